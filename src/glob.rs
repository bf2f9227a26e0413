//! Case-insensitive globs for table names, headers and row keys: `*` (any run), `?` (one
//! character) and `{a,b}` (either alternative). Everything else matches itself.

/// Whether `text` matches `pattern`, ignoring case and surrounding whitespace.
pub fn matches(pattern: &str, text: &str) -> bool {
    use crate::report::number::trim_text;
    let (p, t) = (trim_text(pattern), trim_text(text));
    // Headers and table names are nearly always plain ASCII: matched in place, without
    // the lower-cased copies the general path makes (views are built many times a run).
    if p.is_ascii() && t.is_ascii() && !p.contains('{') && single_spaced(t) {
        return wildcard_ascii(p.as_bytes(), t.as_bytes());
    }
    Pattern::new(pattern).matches_text(&Text::new(text))
}

/// Whether `t` has no whitespace but single ASCII spaces, as [`Text::new`] leaves a text.
fn single_spaced(t: &str) -> bool {
    let b = t.as_bytes();
    b.iter()
        .enumerate()
        .all(|(i, &c)| !c.is_ascii_whitespace() || (c == b' ' && b.get(i + 1) != Some(&b' ')))
}

/// [`wildcard`] over ASCII bytes, ignoring case.
fn wildcard_ascii(p: &[u8], t: &[u8]) -> bool {
    wildcard_by(p, t, b'?', b'*', |a, b| a.eq_ignore_ascii_case(&b))
}

/// A pattern made ready once, to match many texts (the keys of every row of a table).
#[derive(Clone, Debug)]
pub struct Pattern {
    alternatives: Vec<Vec<char>>,
}

impl Pattern {
    pub fn new(pattern: &str) -> Pattern {
        let p: Vec<char> = pattern.trim().to_lowercase().chars().collect();
        Pattern {
            alternatives: expand(&p),
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        self.matches_text(&Text::new(text))
    }

    pub fn matches_text(&self, text: &Text) -> bool {
        self.alternatives.iter().any(|alt| wildcard(alt, &text.0))
    }
}

/// A text as patterns see it: lower case, runs of whitespace as one space, trimmed.
pub struct Text(Vec<char>);

impl Text {
    pub fn new(text: &str) -> Text {
        let mut chars = Vec::with_capacity(text.len());
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                chars.push(' ');
            }
            chars.extend(word.chars().flat_map(char::to_lowercase));
        }
        Text(chars)
    }
}

/// Expand `{a,b}` groups (not nested) into plain wildcard patterns.
fn expand(p: &[char]) -> Vec<Vec<char>> {
    let Some(open) = p.iter().position(|c| *c == '{') else {
        return vec![p.to_vec()];
    };
    let Some(close) = p[open..].iter().position(|c| *c == '}').map(|i| i + open) else {
        return vec![p.to_vec()];
    };
    let mut out = Vec::new();
    for alt in p[open + 1..close].split(|c| *c == ',') {
        let mut v = p[..open].to_vec();
        v.extend_from_slice(alt);
        v.extend_from_slice(&p[close + 1..]);
        out.extend(expand(&v));
        if out.len() > 256 {
            break;
        }
    }
    out
}

/// Iterative wildcard match with backtracking on the last `*`: linear in practice, never exponential.
fn wildcard(p: &[char], t: &[char]) -> bool {
    wildcard_by(p, t, '?', '*', |a, b| a == b)
}

/// Whether `t` matches the pattern `p`, in which `one` stands for any one item and `any`
/// for any run; other items match where `same` says so.
fn wildcard_by<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    one: T,
    any: T,
    same: impl Fn(T, T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == one || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == any {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs_match_case_insensitively() {
        assert!(matches("Driftsammandrag*", "driftsammandrag"));
        assert!(matches("Summa*", "Summa nettokostnader, tkr"));
        assert!(matches("Redovisat jan-*", "Redovisat jan-augusti 2020"));
        assert!(!matches("Summa*", "varav kostnader"));
        assert!(matches("varav*", "Varav chatt"));
        assert!(matches("{Augusti,Oktober} 20??", "Oktober 2020"));
        assert!(matches("?kr", "tkr"));
        assert!(matches("Summa", "  Summa "));
        assert!(!matches("Summa", "Summa investeringar"));
        assert!(matches("*", ""));
    }

    #[test]
    fn the_ascii_path_matches_as_the_general_one() {
        use super::{Pattern, Text};
        let patterns = [
            "Summa*",
            "?kr",
            "a*b*c",
            "*",
            "",
            "Redovisat jan-*",
            "x?",
            "*s",
            "Summa",
        ];
        let texts = [
            "Summa",
            "summa nettokostnader",
            "tkr",
            "abc",
            "aXbYc",
            "ab",
            "",
            " Summa ",
            "Redovisat jan-aug",
            "x",
            "xy",
            "sums",
            "Summa  x",
            "Summa\tx",
            "SUMMA",
        ];
        for p in patterns {
            for t in texts {
                let general = Pattern::new(p).matches_text(&Text::new(t));
                assert_eq!(matches(p, t), general, "{p:?} {t:?}");
            }
        }
    }
}
