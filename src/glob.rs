//! Case-insensitive globs for table names, headers and row keys: `*` (any run), `?` (one
//! character) and `{a,b}` (either alternative). Everything else matches itself.

/// Whether `text` matches `pattern`, ignoring case and surrounding whitespace.
pub fn matches(pattern: &str, text: &str) -> bool {
    use crate::report::number::trim_text;
    let (p, t) = (trim_text(pattern), trim_text(text));
    // Most globs of a declaration are a plain word: then equal but for case, or no match.
    if p.is_ascii()
        && t.is_ascii()
        && !p
            .bytes()
            .any(|b| matches!(b, b'*' | b'?' | b'{') || b.is_ascii_whitespace())
    {
        return p.eq_ignore_ascii_case(t);
    }
    // Headers and table names are nearly always plain ASCII: matched in place, without
    // the lower-cased copies the general path makes (views are built many times a run). A
    // pattern with a run of spaces (`"Budget  2020"`) takes the general path, which makes
    // the run one space as it does in the text.
    if p.is_ascii() && !p.contains('{') && single_spaced(p) && is_plain(t) {
        return wildcard_ascii(p.as_bytes(), t.as_bytes());
    }
    Pattern::new(pattern).matches_text(&Text::new(text))
}

/// Whether `text` is ASCII and already as [`Text::new`] leaves it but for case: no whitespace
/// at its ends, none but single spaces inside.
pub fn is_plain(text: &str) -> bool {
    let b = text.as_bytes();
    text.is_ascii() && b.first() != Some(&b' ') && b.last() != Some(&b' ') && single_spaced(text)
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
    /// The alternatives as bytes, when all are ASCII: matched against a plain ASCII text in
    /// place (see [`Pattern::matches_plain`]).
    ascii: Option<Vec<Vec<u8>>>,
}

impl Pattern {
    pub fn new(pattern: &str) -> Pattern {
        let p: Vec<char> = pattern.to_lowercase().chars().map(plain_dash).collect();
        // Spaced as texts are (see [`Text::new`]), after `{a, b}` is expanded, so that
        // `"Budget  2020"` and `"x {a, b}"` match the text `Budget 2020` and `x b`.
        let alternatives: Vec<Vec<char>> = expand(&p).iter().map(|alt| spaced(alt)).collect();
        let ascii = alternatives
            .iter()
            .map(|alt| {
                alt.iter()
                    .map(|&c| u8::try_from(c).ok().filter(u8::is_ascii))
                    .collect()
            })
            .collect();
        Pattern {
            alternatives,
            ascii,
        }
    }

    /// [`Pattern::matches`] for a text that [`is_plain`] says is plain: without the
    /// lower-cased copy a [`Text`] is. The row keys of ten thousand small tables are nearly
    /// all plain, and each is matched once.
    pub fn matches_plain(&self, text: &str) -> bool {
        match &self.ascii {
            Some(alternatives) => alternatives
                .iter()
                .any(|alt| wildcard_ascii(alt, text.as_bytes())),
            None => self.matches(text),
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
            chars.extend(word.chars().flat_map(char::to_lowercase).map(plain_dash));
        }
        Text(chars)
    }
}

/// A dash as a hyphen: Word and Excel make `jan-okt` `jan–okt` as it is typed, and a
/// minus sign looks the same.
fn plain_dash(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        c => c,
    }
}

/// `chars` trimmed, with each run of whitespace in it one space.
fn spaced(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    for word in chars.split(|c| c.is_whitespace()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend_from_slice(word);
    }
    out
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
    use super::{Pattern, is_plain, matches};

    #[test]
    fn plain_texts_match_as_through_text() {
        let patterns = [
            "Summa*",
            "summa",
            "S?mma *",
            "{Summa,Totalt}*",
            "*",
            "",
            "Över*",
            "a  b",
        ];
        let texts = [
            "Summa",
            "SUMMA förvaltning",
            "Summa förv",
            "Totalt 2020",
            "summa 1",
            "Verksamhet 1",
            "",
            "Smma",
            "a b",
            "Över",
            " Summa",
            "Summa ",
            "a  b",
        ];
        let mut compared = 0;
        for p in patterns {
            let pattern = Pattern::new(p);
            for t in texts.into_iter().filter(|t| is_plain(t)) {
                assert_eq!(pattern.matches_plain(t), pattern.matches(t), "{p:?} {t:?}");
                compared += 1;
            }
        }
        assert_eq!(compared, 8 * 7);
        assert!(
            is_plain("Verksamhet 1") && !is_plain("Över") && !is_plain(" a") && !is_plain("a  b")
        );
    }

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

    /// The docs promise that runs of spaces count as one on both sides: a glob written with
    /// two spaces matched no header written with one.
    #[test]
    fn runs_of_spaces_in_a_glob_count_as_one() {
        assert!(matches("Budget  2020", "Budget 2020"));
        assert!(matches("Budget 2020", "Budget  2020"));
        assert!(matches("Summa \t totalt", "Summa totalt"));
        assert!(matches("  Summa   to*", "summa totalt"));
        assert!(matches("x {a, b}", "x b"));
        assert!(matches("{Summa ,Totalt} 2020", "Summa 2020"));
        assert!(matches("Över  *", "Över x"));
        assert!(!matches("Budget  2020", "Budget2020"));
        let p = Pattern::new("Summa  totalt");
        assert!(p.matches_plain("Summa totalt") && p.matches("SUMMA   totalt"));
        assert!(!p.matches_plain("Summatotalt"));
    }

    #[test]
    fn every_dash_is_a_hyphen() {
        assert!(matches("Redovisat jan-okt*", "Redovisat jan–okt 2020"));
        assert!(matches("Redovisat jan–okt*", "Redovisat jan-okt 2020"));
        assert!(matches("*jan—okt", "Prognos jan\u{2011}okt"));
        assert!(matches("a-b", "a\u{2212}b"));
        assert!(Pattern::new("jan–okt").matches_plain("jan-okt"));
        assert!(!matches("jan-okt", "jan okt"));
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
            "tkr",
            "ABC",
            "redovisat",
            "Summa  x",
            " a  * ",
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
            "Tkr",
            "\u{212a}r",
            "redovisat",
            "Redovisat ",
        ];
        for p in patterns {
            for t in texts {
                let general = Pattern::new(p).matches_text(&Text::new(t));
                assert_eq!(matches(p, t), general, "{p:?} {t:?}");
            }
        }
    }
}
