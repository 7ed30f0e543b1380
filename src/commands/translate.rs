//! `spotlight translate start|sync|export|import`: the translator's commands. Each loads the
//! project as `status` does, works unit by unit through `translate`, and writes through
//! `project::sync` (all files checked before the first is written). Each returns its exit code.

use std::path::{Path, PathBuf};

use crate::cli::{ExchangeFormat, MessageFormat, TranslateCommand, TranslateExportArgs, TranslateImportArgs};
use crate::cli::{TranslateLangArgs, TranslateSyncArgs};
use crate::diag::{Code, Diagnostic};
use crate::project::config::{self, EditionConfig};
use crate::project::{self, Plan, labels, sync};
use crate::{report, translate};

/// Run one `translate` subcommand; return the exit code.
pub fn run(command: &TranslateCommand) -> u8 {
    let result = match command {
        TranslateCommand::Start(args) => start(args),
        TranslateCommand::Sync(args) => sync_edition(args),
        TranslateCommand::Export(args) => export(args),
        TranslateCommand::Import(args) => import(args),
    };
    match result {
        Ok(message) => {
            eprint!("{message}");
            0
        }
        Err(diags) => {
            report::diagnostics(&diags, MessageFormat::Human);
            if diags.iter().any(|d| d.code == Code::Config || d.code == Code::Usage) { 2 } else { 1 }
        }
    }
}

fn load(dir: &Path) -> Result<Plan, Vec<Diagnostic>> {
    project::load(dir, &project::Options { allow_incomplete: true, ..project::Options::default() })
}

/// The pairs of one translated edition, or why it is not one.
fn pairs_of(plan: &Plan, lang: &str, only: Option<&str>) -> Result<Vec<translate::Pair>, Vec<Diagnostic>> {
    let Some(ed) = plan.editions.iter().find(|e| e.lang == lang) else {
        let known: Vec<&str> = plan.editions.iter().map(|e| e.lang.as_str()).collect();
        return Err(vec![
            Diagnostic::error(format!("no edition `{lang}` in report.yaml (editions: {})", known.join(", ")))
                .in_file("report.yaml")
                .with_hint(format!("start it with `spotlight translate start {lang}`"))
                .code(Code::Usage),
        ]);
    };
    let Some(t) = ed.translation.as_ref().filter(|_| lang != plan.source_lang) else {
        return Err(vec![
            Diagnostic::error(format!("edition `{lang}` is not a translation"))
                .in_file(Path::new("chapters").join(lang).join("edition.yaml"))
                .with_hint(format!("its edition.yaml needs `translation: {{of: {}, status: draft}}`", plan.source_lang))
                .code(Code::Usage),
        ]);
    };
    translate::pairs(&plan.root, lang, &t.of, &ed.status, only).map_err(|d| vec![d])
}

fn start(args: &TranslateLangArgs) -> Result<String, Vec<Diagnostic>> {
    let lang = args.lang.as_str();
    let plan = load(&args.project)?;
    let root = plan.root.clone();
    let dir = Path::new("chapters").join(lang);
    let usage =
        |m: String, hint: &str| vec![Diagnostic::error(m).in_file(&dir).with_hint(hint.to_string()).code(Code::Usage)];
    if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(usage(format!("`{lang}` is not a language tag"), "use a BCP 47 tag such as de, pt-BR or zh-Hant"));
    }
    if sync::exists(&root, &dir.join("edition.yaml")) || plan.editions.iter().any(|e| e.lang == lang) {
        return Err(usage(format!("edition `{lang}` exists already"), "run `spotlight status` to see where it stands"));
    }
    let source = plan.source_lang.clone();
    let source_dir = Path::new("chapters").join(&source);
    let source_config = sync::read_exact(&root, &source_dir.join("edition.yaml")).ok();
    let edition: EditionConfig = match &source_config {
        Some(text) => config::config_from_yaml(text, &source_dir.join("edition.yaml"), 1).map_err(|d| vec![d])?,
        None => EditionConfig::default(),
    };
    let (shipped, _) = labels::resolve(lang, &Default::default(), &dir.join("edition.yaml"));
    let mut keys: Vec<String> = edition.strings.keys().cloned().collect();
    keys.extend(["untranslated", "translation-credit"].map(String::from));
    keys.dedup();
    let mut yaml = format!(
        "# The `{lang}` edition: a translation of `{source}`, started by `spotlight translate start`.\n\
         # Chapters missing from this folder are built from the {source} source under the\n\
         # \"untranslated\" marker. Translate a chapter (or import an XLIFF/PO file), then run\n\
         # `spotlight translate sync {lang}`; `spotlight status` then names every source change.\n"
    );
    let title = edition.title.clone().unwrap_or_else(|| plan.meta.title.clone());
    yaml.push_str(&format!("title: {}\n", quote(&title)));
    if let Some(sub) = edition.subtitle.as_ref().or(plan.meta.subtitle.as_ref()) {
        yaml.push_str(&format!("subtitle: {}\n", quote(sub)));
    }
    yaml.push_str("strings:\n");
    for key in &keys {
        let own = shipped.get(key).filter(|v| !v.is_empty() && labels::is_key(key));
        let value = own.or_else(|| edition.strings.get(key)).cloned().unwrap_or_default();
        yaml.push_str(&format!("  {key}: {}\n", quote(&value)));
    }
    yaml.push_str(&format!("translation:\n  of: {source}\n  status: draft\n  translator: \"\"\n"));
    let mut files = vec![(dir.join("edition.yaml"), yaml)];
    if let Ok(people) = sync::read_exact(&root, &source_dir.join("people.yaml")) {
        let body: String = people.lines().skip_while(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect();
        files.push((
            dir.join("people.yaml"),
            format!("# People of the `{lang}` edition: translate the fields below (copied from {source}).\n{body}"),
        ));
    }
    let report_yaml = sync::read_exact(&root, Path::new("report.yaml")).map_err(|d| vec![d])?;
    let mut note = String::new();
    match add_edition(&report_yaml, lang) {
        Some(text) => files.push((PathBuf::from("report.yaml"), text)),
        None => note = format!("add `{lang}` to `editions:` in report.yaml to build it\n"),
    }
    sync::write_files(&root, &files).map_err(|d| vec![d])?;
    let written: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    Ok(format!(
        "started the `{lang}` edition: wrote {}\n{note}every chapter shows as missing in `spotlight status` and builds from the {source} source until translated\n",
        written.join(", ")
    ))
}

/// Quote a YAML scalar (JSON strings are YAML).
fn quote(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Add `lang` to a flow-style `editions: [..]` line of report.yaml; `None` when there is none.
fn add_edition(text: &str, lang: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + lang.len() + 2);
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done
            && line.starts_with("editions:")
            && let Some(close) = line.rfind(']')
        {
            let inner = line[..close].trim_end();
            let sep = if inner.ends_with('[') { "" } else { ", " };
            out.push_str(&format!("{inner}{sep}{lang}{}", &line[close..]));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    done.then_some(out)
}

fn sync_edition(args: &TranslateSyncArgs) -> Result<String, Vec<Diagnostic>> {
    let plan = load(&args.project)?;
    let pairs = pairs_of(&plan, &args.lang, args.chapter.as_deref())?;
    let mut record = sync::load(&plan.root, &args.lang).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let mut synced = Vec::new();
    for pair in &pairs {
        if pair.translation_text.is_none() && args.chapter.is_none() {
            continue;
        }
        match translate::sync_chapter(pair) {
            Ok(chapter) => {
                record.chapters.insert(pair.name.clone(), chapter);
                synced.push(pair.name.clone());
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = sync::render(&record).map_err(|d| vec![d])?;
    sync::write_files(&plan.root, &[(sync::path(&args.lang), text)]).map_err(|d| vec![d])?;
    Ok(format!("synced {} chapter(s) of `{}`: {}\n", synced.len(), args.lang, synced.join(", ")))
}

fn export(args: &TranslateExportArgs) -> Result<String, Vec<Diagnostic>> {
    let plan = load(&args.project)?;
    let pairs = pairs_of(&plan, &args.lang, None)?;
    let entries = translate::entries(&pairs);
    let text = match args.format {
        ExchangeFormat::Xliff => translate::xliff::write(&entries, &plan.source_lang, &args.lang),
        ExchangeFormat::Po => translate::po::write(&entries, &args.lang),
    };
    match &args.output {
        Some(path) => {
            sync::write_outside(path, &text).map_err(|d| vec![d])?;
            Ok(format!("wrote {} units of `{}` to {}\n", entries.len(), args.lang, path.display()))
        }
        None => {
            print!("{text}");
            Ok(String::new())
        }
    }
}

fn import(args: &TranslateImportArgs) -> Result<String, Vec<Diagnostic>> {
    let plan = load(&args.project)?;
    let pairs = pairs_of(&plan, &args.lang, None)?;
    let text = sync::read_outside(&args.file).map_err(|d| vec![d])?;
    let is_po = args.file.extension().is_some_and(|e| e == "po" || e == "pot");
    let imported =
        if is_po { translate::po::read(&text, &args.file) } else { translate::xliff::read(&text, &args.file) }
            .map_err(|d| vec![d])?;
    let files = translate::import::apply(&pairs, &imported, &args.file).map_err(|d| vec![d])?;
    sync::write_files(&plan.root, &files).map_err(|d| vec![d])?;
    let changed: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    Ok(format!(
        "imported {} units into `{}`; changed {} file(s){}{}\n",
        imported.iter().filter(|u| u.target.is_some()).count(),
        args.lang,
        files.len(),
        if changed.is_empty() { "" } else { ": " },
        changed.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_edition_joins_a_flow_list_of_editions() {
        assert_eq!(add_edition("a: 1\neditions: [en, fr]\n", "de").as_deref(), Some("a: 1\neditions: [en, fr, de]\n"));
        assert_eq!(add_edition("editions: []\n", "de").as_deref(), Some("editions: [de]\n"));
        assert_eq!(add_edition("editions:\n  - en\n", "de"), None);
    }
}
