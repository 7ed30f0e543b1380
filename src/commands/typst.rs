//! The hidden `spotlight typst` command: compile a Typst file with the embedded typst alone (the
//! floor the benchmarks compare Spotlight's overhead with).

use crate::cli::{MessageFormat, TypstArgs};
use crate::formats::pdf::export::{self, PdfSettings};
use crate::formats::pdf::world::Shared;
use crate::report;

/// Compile `args.main` under `args.root` and write the PDF; return the exit code.
pub fn run(args: &TypstArgs) -> u8 {
    let shared = Shared::load(&args.font_dir);
    let settings = PdfSettings {
        root: &args.root,
        ident: "floor".into(),
        date: (2022, 1, 1),
        timestamp: (2022, 1, 1, 0, 0, 0),
        standards: Vec::new(),
        bleed_mm: 0.0,
        templates: Vec::new(),
    };
    let (output, diags) = export::compile_file(&shared, &settings, &args.main);
    report::diagnostics(&diags, MessageFormat::Human);
    match output {
        Some(pdf) => match crate::output::write_atomic(&args.output, &pdf.bytes) {
            Ok(()) => {
                // The benchmarks read the page count from this line (cost per page).
                eprintln!("wrote {} ({} bytes, {} pages)", args.output.display(), pdf.bytes.len(), pdf.pages);
                0
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                2
            }
        },
        None => 1,
    }
}
