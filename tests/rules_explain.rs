//! `rimlig rules --format json` when the rule files cannot be loaded, and `rimlig explain
//! RULE[INSTANCE]` with an instance the rule does not have.

mod common;

use common::{scratch_in, write};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

/// `rimlig ARGS…` in `dir`, wide enough that no message is wrapped.
fn rimlig_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .args(["--color", "never", "--width", "400"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("the rimlig binary runs")
}

fn rimlig(args: &[&str]) -> Output {
    rimlig_in(&common::root(), args)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("rimlig exits with a code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn json(o: &Output) -> Value {
    common::json(o)
}

const GOOD: &str = "rule hel \"Hel\" {\n  each drift: avvikelse == redovisat - budget\n}\n";
const BROKEN: &str = "rule trasig {\n  each drift avvikelse == 1\n}\n";

#[test]
fn rules_as_json_on_broken_rule_files_holds_the_problems() {
    let dir = scratch_in("rules-explain", "broken");
    write(&dir.join("good/hel.rules"), GOOD);
    write(&dir.join("bad/trasig.rules"), BROKEN);

    // Nothing but a broken file: not an empty list, but the problem, and exit 2.
    let out = rimlig_in(&dir, &["rules", "--rules", "bad", "--format", "json"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["exit_code"], 2, "{doc:#}");
    assert_eq!(doc["rules"], serde_json::json!([]), "{doc:#}");
    let problems = doc["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{doc:#}");
    let p = &problems[0];
    assert_eq!(p["severity"], "error");
    assert_eq!(p["code"], "rules::syntax");
    assert_eq!(p["file"], "bad/trasig.rules");
    assert_eq!(
        (p["line"].clone(), p["column"].clone()),
        (2.into(), 14.into())
    );
    assert!(
        p["message"].as_str().unwrap().starts_with("syntax error"),
        "{p}"
    );
    // The diagnostics are on stderr as before.
    assert!(stderr(&out).contains("rules::syntax"), "{}", stderr(&out));

    // With a good file too: its rules are listed beside the problem.
    let out = rimlig_in(
        &dir,
        &[
            "rules", "--rules", "good", "--rules", "bad", "--format", "json",
        ],
    );
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let ids: Vec<&str> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["hel"], "{doc:#}");
    assert_eq!(doc["rules"][0]["enabled"], true, "{doc:#}");
    assert_eq!(doc["problems"][0]["code"], "rules::syntax");

    // A rule with an error of its own is read, but `check` would not run it.
    let out = rimlig(&[
        "rules",
        "--rules",
        "tests/data/static/type.rules",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let enabled: Vec<(&str, bool)> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["enabled"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        enabled,
        [
            ("summa", true),
            ("status-finns", true),
            ("text-plus", false)
        ],
        "{doc:#}"
    );
    assert_eq!(doc["problems"][0]["code"], "rules::type", "{doc:#}");

    // A rules path that is not there.
    let out = rimlig_in(&dir, &["rules", "--rules", "nowhere", "--format", "json"]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    assert_eq!(doc["problems"][0]["code"], "io::not-found", "{doc:#}");
    assert_eq!(doc["problems"][0]["file"], "nowhere", "{doc:#}");

    // Rules that load are still the array they always were, with exit 0.
    let out = rimlig_in(&dir, &["rules", "--rules", "good", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)[0]["id"], "hel");
}

#[test]
fn explain_an_instance_the_rule_does_not_have_is_an_error() {
    let out = rimlig(&["explain", "drift-summa[nope]"]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("rules::unknown-instance"), "{err}");
    assert!(
        err.contains("rule `drift-summa` has no instance `drift-summa[nope]`"),
        "{err}"
    );
    assert!(
        err.contains(
            "the instances of `drift-summa` are [redovisat], [budget], [avvikelse], [foreg]"
        ),
        "{err}"
    );

    // A typo gets a suggestion.
    let err = stderr(&rimlig(&["explain", "drift-summa[budgt]"]));
    assert!(err.contains("did you mean `drift-summa[budget]`?"), "{err}");

    // A rule without `for` has no instances at all.
    let out = rimlig(&["explain", "drift-avvikelse[budget]"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("`drift-avvikelse` has no `for`, so it has no instances: explain it as `drift-avvikelse`"),
        "{err}"
    );

    // An instance the rule has is explained as its rule, spaces around the column or not.
    for id in ["drift-summa[budget]", "drift-summa[ budget ]"] {
        let out = rimlig(&["explain", id]);
        assert_eq!(code(&out), 0, "{id}: {}", stderr(&out));
        assert!(stdout(&out).starts_with("drift-summa — "), "{id}");
    }
}

#[test]
fn explain_knows_the_instances_check_names_with_nested_fors() {
    let dir = scratch_in("rules-explain", "nested");
    write(
        &dir.join("regler/r.rules"),
        "table t \"T\" {\n  key k \"K\"\n  column a \"A\" tkr\n  column b \"B\" tkr\n  \
         column c \"C\" tkr\n  total \"Summa\"\n}\n\n\
         rule summor \"Summor\" {\n  in t:\n    for x in [a, b]:\n      for y in [x, c]:\n        \
         sum(y) == total.y\n}\n",
    );
    // Every sum is wrong, so every instance has a finding.
    write(
        &dir.join("rapport/t.csv"),
        "K;A;B;C\nX;1;1;1\nSumma;5;5;5\n",
    );
    let out = rimlig_in(
        &dir,
        &["check", "rapport", "--rules", "regler", "--format", "json"],
    );
    let doc = json(&out);
    let found: BTreeSet<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let cols: Vec<&str> = f["bindings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b[1].as_str().unwrap())
                .collect();
            format!("summor[{}]", cols.join(","))
        })
        .collect();
    let expected = ["summor[a,a]", "summor[a,c]", "summor[b,b]", "summor[b,c]"];
    assert_eq!(found.iter().collect::<Vec<_>>(), expected, "{doc:#}");
    for id in expected {
        let out = rimlig_in(&dir, &["explain", id, "--rules", "regler"]);
        assert_eq!(code(&out), 0, "{id}: {}", stderr(&out));
    }
    let out = rimlig_in(&dir, &["explain", "summor[c,a]", "--rules", "regler"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("the instances of `summor` are [a,a], [a,c], [b,b], [b,c]"),
        "{err}"
    );
}
