//! The `CFF ` table of a subset font: the charstrings of the kept glyphs in their new order, the
//! charset and FDSelect rewritten for them, and every subroutine none of them calls emptied (kept
//! in place, so no call needs renumbering). Handles name-keyed and CID-keyed CFF (the CJK faces);
//! refuses CFF2, several fonts in one table and the deprecated `seac` accents, which the caller
//! then ships whole. Pure bytes in, bytes out.

use read_fonts::FontData;
use read_fonts::ps::cff::CffFontRef;
use read_fonts::ps::cff::charset::Charset;
use read_fonts::types::GlyphId;

/// A CFF INDEX: its entries and the number of bytes it occupies.
struct Index<'a> {
    items: Vec<&'a [u8]>,
    len: usize,
}

fn be(bytes: &[u8]) -> usize {
    bytes.iter().fold(0, |acc, &b| (acc << 8) | usize::from(b))
}

fn read_index(data: &[u8], at: usize) -> Result<Index<'_>, String> {
    let short = || "a CFF INDEX runs past the table".to_string();
    let count = be(data.get(at..at + 2).ok_or_else(short)?);
    if count == 0 {
        return Ok(Index { items: Vec::new(), len: 2 });
    }
    let off_size = usize::from(*data.get(at + 2).ok_or_else(short)?);
    if !(1..=4).contains(&off_size) {
        return Err(format!("a CFF INDEX has offset size {off_size}"));
    }
    let offsets_at = at + 3;
    let base = offsets_at + (count + 1) * off_size - 1;
    let offset = |i: usize| data.get(offsets_at + i * off_size..offsets_at + (i + 1) * off_size).map(be);
    let mut items = Vec::with_capacity(count);
    for i in 0..count {
        let (Some(start), Some(end)) = (offset(i), offset(i + 1)) else { return Err(short()) };
        items.push(data.get(base + start..base + end).filter(|_| start >= 1).ok_or_else(short)?);
    }
    let end = offset(count).ok_or_else(short)?;
    Ok(Index { items, len: base + end - at })
}

fn write_index(out: &mut Vec<u8>, items: &[&[u8]]) {
    out.extend_from_slice(&(items.len() as u16).to_be_bytes());
    if items.is_empty() {
        return;
    }
    let total: usize = items.iter().map(|i| i.len()).sum::<usize>() + 1;
    let off_size = match total {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    };
    out.push(off_size as u8);
    let mut offset = 1usize;
    let push = |out: &mut Vec<u8>, o: usize| out.extend_from_slice(&(o as u32).to_be_bytes()[4 - off_size..]);
    push(out, offset);
    for item in items {
        offset += item.len();
        push(out, offset);
    }
    for item in items {
        out.extend_from_slice(item);
    }
}

/// One DICT entry: its operator (escaped ones as `1200 + b1`), the raw bytes of its operands and
/// their integer values.
struct Entry<'a> {
    op: u16,
    raw: &'a [u8],
    ints: Vec<i32>,
}

const CHARSET: u16 = 15;
const ENCODING: u16 = 16;
const CHARSTRINGS: u16 = 17;
const PRIVATE: u16 = 18;
const SUBRS: u16 = 19;
const CHARSTRING_TYPE: u16 = 1206;
const ROS: u16 = 1230;
const FD_ARRAY: u16 = 1236;
const FD_SELECT: u16 = 1237;

fn parse_dict(data: &[u8]) -> Result<Vec<Entry<'_>>, String> {
    let bad = || "a CFF DICT is cut short".to_string();
    let mut entries = Vec::new();
    let (mut i, mut start, mut ints) = (0, 0, Vec::new());
    while i < data.len() {
        let b0 = data[i];
        let int = |n: usize| data.get(i + 1..i + 1 + n).ok_or_else(bad);
        match b0 {
            0..=21 => {
                let op = if b0 == 12 { 1200 + u16::from(*data.get(i + 1).ok_or_else(bad)?) } else { u16::from(b0) };
                entries.push(Entry { op, raw: &data[start..i], ints: std::mem::take(&mut ints) });
                i += if b0 == 12 { 2 } else { 1 };
                start = i;
            }
            28 => {
                ints.push(i32::from(i16::from_be_bytes([int(2)?[0], int(2)?[1]])));
                i += 3;
            }
            29 => {
                let b = int(4)?;
                ints.push(i32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                i += 5;
            }
            30 => {
                // A real number: nibbles up to the one that reads 0xf.
                i += 1;
                loop {
                    let b = *data.get(i).ok_or_else(bad)?;
                    i += 1;
                    if b & 0x0f == 0x0f || b >> 4 == 0x0f {
                        break;
                    }
                }
                ints.push(0);
            }
            32..=246 => {
                ints.push(i32::from(b0) - 139);
                i += 1;
            }
            247..=254 => {
                let b1 = i32::from(*int(1)?.first().ok_or_else(bad)?);
                let v = (i32::from(b0) - 247) * 256 + b1 + 108;
                ints.push(if b0 < 251 { v } else { -((i32::from(b0) - 251) * 256 + b1 + 108) });
                i += 2;
            }
            _ => return Err(format!("a CFF DICT holds the reserved byte {b0}")),
        }
    }
    Ok(entries)
}

fn push_op(out: &mut Vec<u8>, op: u16) {
    if op >= 1200 {
        out.extend_from_slice(&[12, (op - 1200) as u8]);
    } else {
        out.push(op as u8);
    }
}

/// An operand in the fixed five-byte form, so a DICT's size does not depend on the offsets in it.
fn push_int(out: &mut Vec<u8>, value: usize) {
    out.push(29);
    out.extend_from_slice(&(value as i32).to_be_bytes());
}

/// Rewrite a DICT: `replace` gives the new integer operands of an operator (`Some(vec![])` drops
/// it); every other entry is copied byte for byte.
fn write_dict(entries: &[Entry], replace: impl Fn(u16) -> Option<Vec<usize>>) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        match replace(e.op) {
            Some(values) if values.is_empty() => continue,
            Some(values) => values.iter().for_each(|&v| push_int(&mut out, v)),
            None => out.extend_from_slice(e.raw),
        }
        push_op(&mut out, e.op);
    }
    out
}

fn find<'a>(entries: &'a [Entry], op: u16) -> Option<&'a Entry<'a>> {
    entries.iter().find(|e| e.op == op)
}

/// A Private DICT and the local subroutines it points at.
struct Private<'a> {
    entries: Vec<Entry<'a>>,
    subrs: Option<Index<'a>>,
}

fn read_private<'a>(cff: &'a [u8], font_dict: &[Entry]) -> Result<Private<'a>, String> {
    let Some(e) = find(font_dict, PRIVATE) else { return Ok(Private { entries: Vec::new(), subrs: None }) };
    let [size, offset] = e.ints[..] else { return Err("a Private operator without size and offset".into()) };
    let (size, offset) = (size as usize, offset as usize);
    let data = cff.get(offset..offset + size).ok_or("a Private DICT runs past the table")?;
    let entries = parse_dict(data)?;
    let subrs = match find(&entries, SUBRS).and_then(|e| e.ints.first()) {
        Some(&at) => Some(read_index(cff, offset + at as usize)?),
        None => None,
    };
    Ok(Private { entries, subrs })
}

/// Which subroutines the kept glyphs call, found by walking their Type 2 charstrings (the operand
/// stack, for the subroutine numbers, and the stem count, for the length of each hint mask).
struct Calls<'a> {
    global: &'a [&'a [u8]],
    global_used: Vec<bool>,
    local: &'a [&'a [u8]],
    local_used: Vec<bool>,
    stems: usize,
    stack: Vec<i32>,
}

enum Flow {
    Return,
    End,
}

fn bias(count: usize) -> i32 {
    if count < 1240 {
        107
    } else if count < 33900 {
        1131
    } else {
        32768
    }
}

impl Calls<'_> {
    fn walk(&mut self, code: &[u8], depth: usize) -> Result<Flow, String> {
        if depth > 10 {
            return Err("charstring subroutines nest deeper than 10".into());
        }
        let bad = || "a charstring is cut short".to_string();
        let mut i = 0;
        while i < code.len() {
            let b0 = code[i];
            let arg = |n: usize| code.get(i + 1..i + 1 + n).ok_or_else(bad);
            match b0 {
                28 => {
                    let b = arg(2)?;
                    self.stack.push(i32::from(i16::from_be_bytes([b[0], b[1]])));
                    i += 3;
                }
                32..=246 => {
                    self.stack.push(i32::from(b0) - 139);
                    i += 1;
                }
                247..=250 => {
                    self.stack.push((i32::from(b0) - 247) * 256 + i32::from(arg(1)?[0]) + 108);
                    i += 2;
                }
                251..=254 => {
                    self.stack.push(-(i32::from(b0) - 251) * 256 - i32::from(arg(1)?[0]) - 108);
                    i += 2;
                }
                255 => {
                    let b = arg(4)?;
                    self.stack.push(i32::from_be_bytes([b[0], b[1], b[2], b[3]]) >> 16);
                    i += 5;
                }
                1 | 3 | 18 | 23 => {
                    self.stems += self.stack.len() / 2;
                    self.stack.clear();
                    i += 1;
                }
                19 | 20 => {
                    // Arguments before the first mask are an implied vstemhm.
                    self.stems += self.stack.len() / 2;
                    self.stack.clear();
                    i += 1 + self.stems.div_ceil(8);
                }
                10 | 29 => {
                    let n = self.stack.pop().ok_or("a subroutine call without its number")?;
                    let global = b0 == 29;
                    let subrs = if global { self.global } else { self.local };
                    let index = usize::try_from(n + bias(subrs.len()))
                        .ok()
                        .filter(|&k| k < subrs.len())
                        .ok_or("a charstring calls a subroutine that does not exist")?;
                    let used = if global { &mut self.global_used } else { &mut self.local_used };
                    used[index] = true;
                    let body = subrs[index];
                    i += 1;
                    if let Flow::End = self.walk(body, depth + 1)? {
                        return Ok(Flow::End);
                    }
                }
                11 => return Ok(Flow::Return),
                14 => {
                    // Four arguments (five with a width) make endchar the accent composition seac.
                    if self.stack.len() >= 4 {
                        return Err("a glyph is built with seac".into());
                    }
                    return Ok(Flow::End);
                }
                12 => {
                    let b1 = *code.get(i + 1).ok_or_else(bad)?;
                    // Only the flex operators (34-37) are in use; the arithmetic ones were deprecated.
                    if !(34..=37).contains(&b1) {
                        return Err(format!("a charstring uses the operator 12 {b1}"));
                    }
                    self.stack.clear();
                    i += 2;
                }
                _ => {
                    self.stack.clear();
                    i += 1;
                }
            }
        }
        Ok(Flow::Return)
    }
}

/// An emptied subroutine: `return` alone.
const EMPTY: &[u8] = &[11];

fn pruned<'a>(items: &[&'a [u8]], used: &[bool]) -> Vec<&'a [u8]> {
    items.iter().zip(used).map(|(item, &u)| if u { *item } else { EMPTY }).collect()
}

/// Whether a `CFF ` table holds a CID-keyed font (its Top DICT names a registry, ordering and
/// supplement): the CJK faces.
pub fn is_cid(cff: &[u8]) -> bool {
    let Some(&header_len) = cff.get(2) else { return false };
    let Ok(names) = read_index(cff, usize::from(header_len)) else { return false };
    let Ok(top_dicts) = read_index(cff, usize::from(header_len) + names.len) else { return false };
    top_dicts.items.first().and_then(|d| parse_dict(d).ok()).is_some_and(|top| find(&top, ROS).is_some())
}

/// Subset a `CFF ` table to the glyphs `keep` lists, old glyph ids in their new order (glyph 0,
/// `.notdef`, first).
pub fn subset(cff: &[u8], keep: &[u32]) -> Result<Vec<u8>, String> {
    if cff.first() != Some(&1) {
        return Err("not a CFF version 1 table".into());
    }
    let header_len = usize::from(*cff.get(2).ok_or("the CFF header is cut short")?);
    let names = read_index(cff, header_len)?;
    let top_dicts = read_index(cff, header_len + names.len)?;
    let strings_at = header_len + names.len + top_dicts.len;
    let strings = read_index(cff, strings_at)?;
    let global = read_index(cff, strings_at + strings.len)?;
    let [top_dict] = top_dicts.items[..] else { return Err("a CFF table with several fonts".into()) };
    let top = parse_dict(top_dict)?;
    if find(&top, CHARSTRING_TYPE).is_some_and(|e| e.ints != [2]) {
        return Err("charstrings other than Type 2".into());
    }
    let offset = |op| find(&top, op).and_then(|e| e.ints.first()).map(|&v| v as usize);
    let charstrings = read_index(cff, offset(CHARSTRINGS).ok_or("a CFF font without charstrings")?)?;
    let num_glyphs = charstrings.items.len() as u32;
    let cid = find(&top, ROS).is_some();
    let font = CffFontRef::new_cff(cff, 0, None).map_err(|e| e.to_string())?;
    let charset = Charset::new(FontData::new(cff), offset(CHARSET).unwrap_or(0), num_glyphs)
        .ok_or("the CFF charset cannot be read")?;

    // The Font DICTs (one per FD for a CID font, the Top DICT itself otherwise) and their Privates.
    let font_dicts: Vec<Vec<Entry>> = if cid {
        let fd_array = read_index(cff, offset(FD_ARRAY).ok_or("a CID font without an FDArray")?)?;
        fd_array.items.iter().map(|d| parse_dict(d)).collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let privates: Vec<Private> = if cid {
        font_dicts.iter().map(|d| read_private(cff, d)).collect::<Result<_, _>>()?
    } else {
        vec![read_private(cff, &top)?]
    };

    // Walk the kept glyphs, marking the subroutines they call.
    let mut global_used = vec![false; global.items.len()];
    let mut local_used: Vec<Vec<bool>> =
        privates.iter().map(|p| vec![false; p.subrs.as_ref().map_or(0, |s| s.items.len())]).collect();
    let mut glyphs: Vec<&[u8]> = Vec::with_capacity(keep.len());
    let mut fds: Vec<u8> = Vec::with_capacity(keep.len());
    let mut ids: Vec<u16> = Vec::with_capacity(keep.len());
    let none: Vec<&[u8]> = Vec::new();
    for &old in keep {
        let code = *charstrings.items.get(old as usize).ok_or("a kept glyph is not in the CFF table")?;
        let fd = if cid { font.subfont_index(GlyphId::new(old)).ok_or("a glyph has no FD")? } else { 0 };
        let fd = usize::from(fd);
        let private = privates.get(fd).ok_or("a glyph's FD is not in the FDArray")?;
        let mut calls = Calls {
            global: &global.items,
            global_used: std::mem::take(&mut global_used),
            local: private.subrs.as_ref().map_or(&none, |s| &s.items),
            local_used: std::mem::take(&mut local_used[fd]),
            stems: 0,
            stack: Vec::new(),
        };
        calls.walk(code, 0)?;
        global_used = calls.global_used;
        local_used[fd] = calls.local_used;
        glyphs.push(code);
        fds.push(u8::try_from(fd).map_err(|_| "more than 256 FDs")?);
        ids.push(charset.string_id(GlyphId::new(old)).ok_or("a glyph is not in the CFF charset")?.to_u16());
    }

    // Sections after the global subroutines, in this order: charset, FDSelect, CharStrings,
    // FDArray, then each Private DICT followed by its subroutines.
    let mut charset_bytes = vec![0u8];
    ids.iter().skip(1).for_each(|id| charset_bytes.extend_from_slice(&id.to_be_bytes()));
    let mut fd_select = Vec::new();
    if cid {
        let mut ranges: Vec<(u16, u8)> = Vec::new();
        for (gid, &fd) in fds.iter().enumerate() {
            if ranges.last().is_none_or(|&(_, last)| last != fd) {
                ranges.push((gid as u16, fd));
            }
        }
        fd_select.push(3);
        fd_select.extend_from_slice(&(ranges.len() as u16).to_be_bytes());
        for (first, fd) in ranges {
            fd_select.extend_from_slice(&first.to_be_bytes());
            fd_select.push(fd);
        }
        fd_select.extend_from_slice(&(keep.len() as u16).to_be_bytes());
    }
    let mut charstrings_bytes = Vec::new();
    write_index(&mut charstrings_bytes, &glyphs);
    // Each Private DICT with its Subrs operand pointing just past it.
    let mut private_blobs: Vec<Vec<u8>> = Vec::new();
    let mut private_lens: Vec<usize> = Vec::new();
    for (p, used) in privates.iter().zip(&local_used) {
        let write =
            |subrs_at: usize| write_dict(&p.entries, |op| (op == SUBRS && p.subrs.is_some()).then(|| vec![subrs_at]));
        let len = write(0).len();
        let mut out = write(len);
        if let Some(subrs) = &p.subrs {
            write_index(&mut out, &pruned(&subrs.items, used));
        }
        private_blobs.push(out);
        private_lens.push(len);
    }

    let mut global_bytes = Vec::new();
    write_index(&mut global_bytes, &pruned(&global.items, &global_used));
    let mut head = Vec::new();
    head.extend_from_slice(&cff[..header_len]);
    write_index(&mut head, &names.items);
    let top_index = |positions: &Positions| {
        let dict = new_top(&top, cid, positions, &private_lens);
        let mut index = Vec::new();
        write_index(&mut index, &[&dict]);
        index
    };
    // The Top DICT's size does not depend on the offsets in it, so lay out with zeros first.
    let zero = Positions::default();
    let fd_array_probe = new_fd_array(&font_dicts, &[], &private_lens);
    let top_index_len = top_index(&zero).len();
    let mut strings_bytes = Vec::new();
    write_index(&mut strings_bytes, &strings.items);
    let mut at = head.len() + top_index_len + strings_bytes.len() + global_bytes.len();
    let mut positions = Positions { charset: at, ..Positions::default() };
    at += charset_bytes.len();
    positions.fd_select = at;
    at += fd_select.len();
    positions.charstrings = at;
    at += charstrings_bytes.len();
    positions.fd_array = at;
    at += fd_array_probe.len();
    for blob in &private_blobs {
        positions.privates.push(at);
        at += blob.len();
    }
    let fd_array = new_fd_array(&font_dicts, &positions.privates, &private_lens);
    let mut out = head;
    out.extend_from_slice(&top_index(&positions));
    out.extend_from_slice(&strings_bytes);
    out.extend_from_slice(&global_bytes);
    out.extend_from_slice(&charset_bytes);
    out.extend_from_slice(&fd_select);
    out.extend_from_slice(&charstrings_bytes);
    out.extend_from_slice(&fd_array);
    for blob in &private_blobs {
        out.extend_from_slice(blob);
    }
    Ok(out)
}

/// Where the sections after the global subroutines start.
#[derive(Default)]
struct Positions {
    charset: usize,
    fd_select: usize,
    charstrings: usize,
    fd_array: usize,
    privates: Vec<usize>,
}

fn new_top(top: &[Entry], cid: bool, at: &Positions, private_lens: &[usize]) -> Vec<u8> {
    write_dict(top, |op| match op {
        CHARSET => Some(vec![at.charset]),
        CHARSTRINGS => Some(vec![at.charstrings]),
        // The cmap maps characters; a standard encoding is all a CFF in OpenType needs.
        ENCODING => Some(vec![]),
        FD_SELECT if cid => Some(vec![at.fd_select]),
        FD_ARRAY if cid => Some(vec![at.fd_array]),
        PRIVATE if !cid => Some(vec![private_lens[0], at.privates.first().copied().unwrap_or(0)]),
        _ => None,
    })
}

fn new_fd_array(font_dicts: &[Vec<Entry>], privates: &[usize], private_lens: &[usize]) -> Vec<u8> {
    if font_dicts.is_empty() {
        return Vec::new();
    }
    let dicts: Vec<Vec<u8>> = font_dicts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            write_dict(d, |op| (op == PRIVATE).then(|| vec![private_lens[i], privates.get(i).copied().unwrap_or(0)]))
        })
        .collect();
    let refs: Vec<&[u8]> = dicts.iter().map(Vec::as_slice).collect();
    let mut out = Vec::new();
    write_index(&mut out, &refs);
    out
}
