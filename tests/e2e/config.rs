//! Configuration errors as a new user meets them: each is one clear error naming `report.yaml` and
//! its line, with exit code 2, never a panic; every missing required field is reported in one run.

use crate::common;

use crate::common::{Project, fixture};

const MINIMAL: &str = "title: Minimal Fixture\nslug: minimal\nyear: 2024\ndate: 2024-01-02\nlanguage: en\npublisher:\n  name: Spotlight Tests\n";

fn with_report(yaml: &str) -> Project {
    let p = Project::copy_of(&fixture("minimal"));
    p.write("report.yaml", yaml);
    p
}

#[test]
fn dates_that_do_not_exist_are_configuration_errors() {
    for date in ["2022-02-30", "2022-13-01", "2023-02-29"] {
        let p = with_report(&MINIMAL.replace("2024-01-02", date));
        let run = p.run(&["build"]);
        run.expect_code(2);
        assert_eq!(
            run.first_error(),
            format!(
                "error: invalid date `{date}`: no such day\n  --> report.yaml:4:1\n  = hint: write an existing date as YYYY-MM-DD, e.g. 2022-04-01"
            )
        );
        assert!(!p.dist("minimal-en.pdf").exists());
    }
}

#[test]
fn an_out_of_range_source_date_epoch_is_a_usage_error() {
    let p = with_report(MINIMAL);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["build", "--project"])
        .arg(p.path())
        .env("SOURCE_DATE_EPOCH", "99999999999999")
        .output()
        .unwrap();
    let run = common::Run::checked(out);
    run.expect_code(2);
    assert!(
        run.first_error().starts_with("error: SOURCE_DATE_EPOCH is out of range: `99999999999999`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_edition_listed_twice_is_a_configuration_error() {
    let p = with_report(&format!("{MINIMAL}editions: [en, en]\n"));
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert!(
        run.first_error().starts_with("error: edition `en` is listed twice\n  --> report.yaml:8:1"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stderr().matches("error:").count(), 1, "{}", run.stderr());
}

#[test]
fn every_missing_required_field_is_reported_in_one_run() {
    let p = with_report("title: T\nslug: t\n");
    let run = p.run(&["build"]);
    run.expect_code(2);
    let err = run.stderr();
    for field in ["year", "language", "publisher"] {
        assert!(err.contains(&format!("error: missing field `{field}`\n  --> report.yaml:1:1")), "{err}");
    }
}

#[test]
fn several_configuration_errors_are_reported_together() {
    let yaml = MINIMAL.replace("slug: minimal", "slug: Not A Slug").replace("2024-01-02", "2024-02-31")
        + "print:\n  profile: glossy\n";
    let run = with_report(&yaml).run(&["build"]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(err.contains("invalid slug `Not A Slug`\n  --> report.yaml:2:1"), "{err}");
    assert!(err.contains("invalid date `2024-02-31`"), "{err}");
    assert!(err.contains("unknown profile `glossy`\n  --> report.yaml:9:3"), "{err}");
}

#[test]
fn an_unknown_citation_style_is_a_configuration_error() {
    let p = Project::copy_of(&fixture("citations"));
    let yaml = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    let yaml = match yaml.find("style:") {
        Some(_) => {
            yaml.lines()
                .map(|l| if l.trim_start().starts_with("style:") { "  style: no-such-style" } else { l })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        }
        None => yaml + "bibliography:\n  style: no-such-style\n",
    };
    p.write("report.yaml", yaml);
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert!(run.stderr().contains("unknown citation style `no-such-style`"), "{}", run.stderr());
}
