//! Print settings: the profile (`screen` or `print`), the trim size, bleed and crop marks, and the
//! PDF standards (PDF/A, PDF/UA, PDF/X-4) asked for, and the command line's overrides of them.
//! Pure functions over strings; never touches the disk.
//! What a standard needs of the content is checked by `document::passes::standards`.

use crate::cli::{PrintArgs, ProfileArg};
use crate::diag::{Code, Diagnostic};

/// How the PDF is meant to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// On screen: coloured links, no blank pages, symmetric margins.
    #[default]
    Screen,
    /// On paper: black links with their URLs in notes, chapters on right-hand pages, mirrored margins.
    Print,
}

impl Profile {
    /// Parse a profile's name (`screen`, `print`), as report.yaml writes it.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "screen" => Some(Self::Screen),
            "print" => Some(Self::Print),
            _ => None,
        }
    }
}

/// A PDF standard the export must conform to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    /// PDF/A-2b (archiving).
    A2b,
    /// PDF/A-3b (archiving, with attachments allowed).
    A3b,
    /// PDF/UA-1 (accessibility).
    Ua1,
    /// PDF/X-4 (print exchange, ISO 15930-7): only with the print profile.
    X4,
}

impl Standard {
    /// Parse a standard's command-line name (`a-2b`, `a-3b`, `ua-1`).
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "a-2b" | "pdf/a-2b" => Some(Self::A2b),
            "a-3b" | "pdf/a-3b" => Some(Self::A3b),
            "ua-1" | "pdf/ua-1" => Some(Self::Ua1),
            "x-4" | "pdf/x-4" => Some(Self::X4),
            _ => None,
        }
    }

    /// Name the standard as the command line does.
    pub fn name(self) -> &'static str {
        match self {
            Self::A2b => "a-2b",
            Self::A3b => "a-3b",
            Self::Ua1 => "ua-1",
            Self::X4 => "x-4",
        }
    }
}

/// Everything about the PDF's paper and conformance.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintSettings {
    /// Screen or print.
    pub profile: Profile,
    /// Trim width in millimetres.
    pub width_mm: f64,
    /// Trim height in millimetres.
    pub height_mm: f64,
    /// Bleed in millimetres (0 for none).
    pub bleed_mm: f64,
    /// Room outside the bleed for crop marks, in millimetres (0 without marks).
    pub slug_mm: f64,
    /// Standards the PDF conforms to.
    pub standards: Vec<Standard>,
}

impl Default for PrintSettings {
    fn default() -> Self {
        Self {
            profile: Profile::Screen,
            width_mm: 210.0,
            height_mm: 297.0,
            bleed_mm: 0.0,
            slug_mm: 0.0,
            standards: Vec::new(),
        }
    }
}

/// The room crop marks get outside the bleed.
pub const SLUG_MM: f64 = 8.0;

/// Parse a length such as `3mm`, `0.125in`, `1cm` or `9pt` into millimetres.
pub fn parse_length(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.trim().parse().ok()?;
    let mm = match unit {
        "mm" => value,
        "cm" => value * 10.0,
        "in" => value * 25.4,
        "pt" => value * 25.4 / 72.0,
        _ => return None,
    };
    (mm.is_finite() && mm >= 0.0).then_some(mm)
}

/// Parse a page size: `a4`, `a5`, `letter`, or a custom trim size `WxH` with a unit (`6x9in`,
/// `148x210mm`). Returns width and height in millimetres.
pub fn parse_page(text: &str) -> Option<(f64, f64)> {
    match text.trim().to_ascii_lowercase().as_str() {
        "a4" => Some((210.0, 297.0)),
        "a5" => Some((148.0, 210.0)),
        "a6" => Some((105.0, 148.0)),
        "letter" | "us-letter" => Some((215.9, 279.4)),
        custom => {
            let (w, h) = custom.split_once('x')?;
            let unit: String = h.chars().skip_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let w = if w.chars().any(|c| c.is_ascii_alphabetic()) {
                parse_length(w)?
            } else {
                parse_length(&format!("{w}{unit}"))?
            };
            let h = parse_length(h)?;
            (w >= 50.0 && h >= 50.0 && w <= 1000.0 && h <= 1000.0).then_some((w, h))
        }
    }
}

/// Let the command line override report.yaml's print settings, checking every value.
pub fn apply_print(print: &mut PrintSettings, args: &PrintArgs) -> Result<(), Diagnostic> {
    let usage = |message: String, hint: &str| Diagnostic::error(message).with_hint(hint).code(Code::Usage);
    if let Some(profile) = args.profile {
        print.profile = match profile {
            ProfileArg::Screen => Profile::Screen,
            ProfileArg::Print => Profile::Print,
        };
    }
    if let Some(page) = &args.page {
        let (w, h) = parse_page(page).ok_or_else(|| {
            usage(format!("unknown page size `{page}`"), "use a4, a5, a6, letter, or a trim size like 6x9in")
        })?;
        print.width_mm = w;
        print.height_mm = h;
    }
    if let Some(bleed) = &args.bleed {
        print.bleed_mm = parse_length(bleed).filter(|b| *b <= 20.0).ok_or_else(|| {
            usage(format!("invalid bleed `{bleed}`"), "give a length up to 20mm, e.g. 3mm or 0.125in")
        })?;
    }
    if !args.pdf_standards.is_empty() {
        print.standards = parse_standards(&args.pdf_standards).map_err(|m| usage(m, "use a-2b, a-3b, ua-1 or x-4"))?;
    }
    print.slug_mm = if print.profile == Profile::Print && print.bleed_mm > 0.0 { SLUG_MM } else { 0.0 };
    Ok(())
}

pub fn parse_standards(names: &[String]) -> Result<Vec<Standard>, String> {
    let mut out = Vec::new();
    for name in names {
        let s = Standard::parse(name).ok_or_else(|| format!("unknown PDF standard `{name}`"))?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.iter().filter(|s| matches!(s, Standard::A2b | Standard::A3b)).count() > 1 {
        return Err("a PDF conforms to one PDF/A part at most".into());
    }
    // PDF/A's output intent is sRGB for screens, PDF/X-4's a printing condition: one PDF has one.
    if out.contains(&Standard::X4) && out.iter().any(|s| matches!(s, Standard::A2b | Standard::A3b)) {
        return Err("PDF/X-4 and PDF/A cannot be combined (each needs its own output intent)".into());
    }
    Ok(out)
}

/// PDF/X-4 is for the press: it needs the print profile (CMYK colour, black text, no transparency).
pub fn check_x4(print: &PrintSettings) -> Result<(), (String, &'static str)> {
    if print.standards.contains(&Standard::X4) && print.profile != Profile::Print {
        return Err((
            "PDF/X-4 needs the print profile".into(),
            "add --profile print (or `print: {profile: print}` in report.yaml)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_convert_to_millimetres() {
        assert_eq!(parse_length("3mm"), Some(3.0));
        assert_eq!(parse_length("0.5cm"), Some(5.0));
        assert!((parse_length("0.125in").unwrap() - 3.175).abs() < 1e-9);
        assert_eq!(parse_length("3"), None);
        assert_eq!(parse_length("-3mm"), None);
    }

    #[test]
    fn page_sizes_by_name_and_custom_trim() {
        assert_eq!(parse_page("A5"), Some((148.0, 210.0)));
        assert_eq!(parse_page("letter"), Some((215.9, 279.4)));
        let (w, h) = parse_page("6x9in").unwrap();
        assert!((w - 152.4).abs() < 1e-9 && (h - 228.6).abs() < 1e-9);
        assert_eq!(parse_page("148x210mm"), Some((148.0, 210.0)));
        assert_eq!(parse_page("huge"), None);
        assert_eq!(parse_page("1x1mm"), None);
    }

    #[test]
    fn standards_parse_by_name() {
        assert_eq!(Standard::parse("a-2b"), Some(Standard::A2b));
        assert_eq!(Standard::parse("UA-1"), Some(Standard::Ua1));
        assert_eq!(Standard::parse("x-1a"), None);
        assert_eq!(Standard::parse("PDF/X-4"), Some(Standard::X4));
    }
}
