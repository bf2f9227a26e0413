//! The alternatives a fix lists after "as likely:" are as likely as the change it shows, by
//! the ranking localisation uses; a less likely one is said to be less likely.

use crate::helpers::check_table;
use rimlig::locate::FixStatus;

const SCRATCH: &str = "locate-alternatives";

/// `d` should be `a - b` = 12. Writing 21 for 12 in `d`, or 12 for 21 in `a`, are both two
/// digits swapped: as likely. `b` = -9 also makes the row pass, but 0 → -9 is no slip of
/// the hand, which ranks below a swap: less likely, and not to be called as likely.
#[test]
fn a_less_likely_kind_is_not_called_as_likely() {
    let run = check_table(
        SCRATCH,
        "tier",
        "k;a;b;d\nx;12;0;21\n",
        "rule r { each t: d == a - b }\n",
    );
    let fix = run.outcome.findings[0].fix.as_ref().expect("a fix");
    assert_eq!(fix.status, FixStatus::Ambiguous, "{}", fix.summary());
    let text = fix.summary();
    assert_eq!(fix.changes[0].column_name, "d", "{text}");
    let columns: Vec<&str> = fix
        .alternatives
        .iter()
        .map(|a| a[0].column_name.as_str())
        .collect();
    assert_eq!(columns, ["a", "b"], "{text}");
    assert_eq!(fix.as_likely, 1, "{text}");
    // The JSON says it too: a gate can tell a sure fix from a guess between two.
    let json = serde_json::to_value(fix).unwrap();
    assert_eq!(json["as_likely"], 1, "{json}");
    assert_eq!(
        json["alternatives"].as_array().map(Vec::len),
        Some(2),
        "{json}"
    );
    assert!(
        text.contains(
            "; as likely: x · a: 12 → 21 (two digits swapped); less likely: x · b: 0 → -9"
        ),
        "{text}"
    );
}

/// With no alternative as likely the fix is not ambiguous, and every alternative is less
/// likely.
#[test]
fn alternatives_of_a_clear_fix_are_less_likely() {
    let run = check_table(
        SCRATCH,
        "clear",
        "k;a;b;d\nx;10;4;-6\n",
        "rule r { each t: d == a - b }\n",
    );
    let fix = run.outcome.findings[0].fix.as_ref().expect("a fix");
    assert_eq!(fix.status, FixStatus::Localised, "{}", fix.summary());
    assert_eq!(fix.as_likely, 0);
    assert!(!fix.alternatives.is_empty(), "{}", fix.summary());
    let text = fix.summary();
    assert!(text.contains("; less likely: "), "{text}");
    assert!(!text.contains("as likely"), "{text}");
}
