//! Case-insensitive globs for table names, headers and row keys: `*` (any run), `?` (one
//! character) and `{a,b}` (either alternative). Everything else matches itself. A glob may
//! have any number of groups: each alternative of each counts (see [`Pattern`]).

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::Mutex;

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
    let compiled = compiled(pattern);
    if is_plain(text) {
        compiled.matches_plain(text)
    } else {
        compiled.matches_text(&Text::new(text))
    }
}

/// How many compiled patterns [`compiled`] keeps, by thread, before it starts again.
const KEPT: usize = 512;

thread_local! {
    /// The patterns [`matches`] compiled, by their text. A caller matches one glob against
    /// every header of a table, or a rule's `matches` against every row, and compiling
    /// `{a,b}` groups each time made that hundreds of times slower than matching. (Eight
    /// were kept once, the latest first: a rule with nine `matches` of such globs compiled
    /// every one again on every row.)
    static COMPILED: RefCell<foldhash::HashMap<Box<str>, Rc<Pattern>>> =
        RefCell::new(foldhash::HashMap::default());
}

/// `pattern` compiled, or taken from those compiled before.
fn compiled(pattern: &str) -> Rc<Pattern> {
    COMPILED.with(|kept| {
        let mut kept = kept.borrow_mut();
        if let Some(p) = kept.get(pattern) {
            return Rc::clone(p);
        }
        if kept.len() >= KEPT {
            kept.clear();
        }
        let p = Rc::new(Pattern::new(pattern));
        kept.insert(pattern.into(), Rc::clone(&p));
        p
    })
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
///
/// A glob of a few `{a,b}` groups is expanded into its alternatives, each matched by
/// `wildcard`. One that would have more than `MOST_ALTERNATIVES` alternatives, or
/// alternatives of more than `MOST_EXPANDED` characters together, is matched by a
/// `Machine` instead, which reads the groups as they are written: compiling it takes time
/// and memory in proportion to the glob, matching at most the glob's length for each
/// character of the text, and every alternative counts, so a glob of thousands of groups
/// matches exactly what it says rather than a part of it.
#[derive(Clone, Debug)]
pub struct Pattern {
    form: Form,
    /// The alternatives as bytes, when all are ASCII: matched against a plain ASCII text in
    /// place (see [`Pattern::matches_plain`]).
    ascii: Option<Vec<Vec<u8>>>,
}

#[derive(Clone, Debug)]
enum Form {
    Alternatives(Vec<Vec<char>>),
    Machine(Machine),
}

/// Expanded, a glob has at most this many alternatives (`{a,b}` eight times over)…
const MOST_ALTERNATIVES: usize = 256;
/// …of at most this many characters together, or of as many as its longest alternative when
/// it has only one (a glob without groups, or with `{}` and `{a}` alone).
const MOST_EXPANDED: usize = 1 << 16;

impl Pattern {
    pub fn new(pattern: &str) -> Pattern {
        // Lower case a character at a time, as texts are (`Text::new`): the whole text's
        // `to_lowercase` makes a capital sigma at a word's end `ς`.
        let p: Vec<char> = pattern
            .chars()
            .flat_map(char::to_lowercase)
            .map(folded)
            .collect();
        let pieces = pieces(&p);
        let (mut count, mut longest) = (1usize, 0usize);
        for piece in &pieces {
            match piece {
                Piece::Fixed(chars) => longest = longest.saturating_add(chars.len()),
                Piece::Either(alts) => {
                    count = count.saturating_mul(alts.len());
                    let most = alts.iter().map(Vec::len).max().unwrap_or(0);
                    longest = longest.saturating_add(most);
                }
            }
        }
        if count > MOST_ALTERNATIVES || count.saturating_mul(longest) > MOST_EXPANDED.max(longest) {
            return Pattern {
                form: Form::Machine(Machine::new(&pieces)),
                ascii: None,
            };
        }
        let alternatives = expand(&pieces, count);
        let ascii = alternatives
            .iter()
            .map(|alt| {
                alt.iter()
                    .map(|&c| u8::try_from(c).ok().filter(u8::is_ascii))
                    .collect()
            })
            .collect();
        Pattern {
            form: Form::Alternatives(alternatives),
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
        match &self.form {
            Form::Alternatives(alternatives) => {
                alternatives.iter().any(|alt| wildcard(alt, &text.0))
            }
            Form::Machine(machine) => machine.matches(&text.0),
        }
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
            chars.extend(word.chars().flat_map(char::to_lowercase).map(folded));
        }
        Text(chars)
    }
}

/// A lower-case character as globs compare it: a dash as a hyphen (Word and Excel make
/// `jan-okt` `jan–okt` as it is typed, and a minus sign looks the same), and a final sigma as
/// any other (`ΟΔΟΣ` in lower case ends in `ς` or `σ` depending on how it was lowered).
fn folded(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        'ς' => 'σ',
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

/// A glob taken apart: what every alternative has, and `{a,b}` groups of several
/// alternatives between.
#[derive(Debug)]
enum Piece {
    Fixed(Vec<char>),
    Either(Vec<Vec<char>>),
}

/// `p` taken apart, in one pass. A `{` opens a group that the next `}` closes, and the
/// commas in it part the alternatives; a `{` in a group, a `{` that no `}` follows and a `}`
/// outside a group are characters like any other. A group of one alternative (`{}`, `{a}`)
/// is the same as its text.
fn pieces(p: &[char]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut fixed = Vec::new();
    let mut from = 0;
    while let Some(open) = p[from..].iter().position(|&c| c == '{').map(|i| i + from) {
        // No `}` after this `{`: none after any later `{` either, so the rest is text.
        let Some(close) = p[open..].iter().position(|&c| c == '}').map(|i| i + open) else {
            break;
        };
        fixed.extend_from_slice(&p[from..open]);
        let mut alts = p[open + 1..close].split(|&c| c == ',');
        match (alts.next(), alts.next()) {
            (Some(only), None) => fixed.extend_from_slice(only),
            _ => {
                out.push(Piece::Fixed(std::mem::take(&mut fixed)));
                let alts = p[open + 1..close].split(|&c| c == ',');
                out.push(Piece::Either(alts.map(<[char]>::to_vec).collect()));
            }
        }
        from = close + 1;
    }
    fixed.extend_from_slice(&p[from..]);
    out.push(Piece::Fixed(fixed));
    out
}

/// The `count` alternatives of `pieces`, each spaced as texts are (see [`Text::new`]) after
/// its groups are filled in, so that `"Budget  2020"` and `"x {a, b}"` match the texts
/// `Budget 2020` and `x b`. Without recursion, and each alternative made once: the work is
/// what the alternatives hold.
fn expand(pieces: &[Piece], count: usize) -> Vec<Vec<char>> {
    (0..count)
        .map(|mut n| {
            let mut alt = Vec::new();
            for piece in pieces {
                match piece {
                    Piece::Fixed(chars) => alt.extend_from_slice(chars),
                    Piece::Either(alts) => {
                        // `n` read as a number whose digits choose the alternative of each group.
                        if let Some(chosen) = alts.get(n % alts.len().max(1)) {
                            alt.extend_from_slice(chosen);
                        }
                        n /= alts.len().max(1);
                    }
                }
            }
            spaced(&alt)
        })
        .collect()
}

/// A state of a [`Machine`]: where in the glob it is, and how the glob's whitespace stands.
type State = (usize, Spacing);

/// A glob of too many alternatives to expand, as a nondeterministic automaton over its
/// characters: every alternative of a group is followed at once, and a state reached twice
/// is followed once, so reading a character takes at most the glob's length, and compiling
/// is one pass over the glob.
///
/// The sets of states it goes through are remembered, with where each character led from
/// them: the texts it is matched against one after another (the keys of every row of a
/// table) mostly go through the same few sets, so that after the first few a character is
/// one look-up, however long the glob.
#[derive(Debug)]
struct Machine {
    ops: Vec<Op>,
    /// Where each alternative of a group starts, by group (see [`Op::Fork`]).
    groups: Vec<Vec<usize>>,
    /// Locked because a pattern may be shared between threads: a match that finds it taken
    /// goes without.
    sets: Mutex<Sets>,
    /// How much `sets` may hold (see [`Sets::held`]) before it is emptied.
    most_held: usize,
}

impl Clone for Machine {
    fn clone(&self) -> Machine {
        Machine {
            ops: self.ops.clone(),
            groups: self.groups.clone(),
            sets: Mutex::default(),
            most_held: self.most_held,
        }
    }
}

/// A few megabytes of sets of states.
const MOST_HELD: usize = 1 << 18;

#[derive(Clone, Copy, Debug)]
enum Op {
    Char(char),
    /// `?`
    One,
    /// `*`
    Any,
    /// Whitespace: see [`Spacing`].
    Space,
    /// A group: go on at the start of each of its alternatives.
    Fork(usize),
    /// The end of an alternative: go on after its group.
    Jump(usize),
}

/// How the whitespace of a glob is read, as [`spaced`] reads each expanded alternative:
/// none before the first other character, a run as one space before the next other
/// character, none at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Spacing {
    /// No space is owed: at the start, or the owed space was just read.
    Start,
    /// After a character other than whitespace.
    Word,
    /// After whitespace that followed a character: a space is owed before the next one.
    Owed,
}

impl Machine {
    fn new(pieces: &[Piece]) -> Machine {
        let op = |c: char| match c {
            '?' => Op::One,
            '*' => Op::Any,
            c if c.is_whitespace() => Op::Space,
            c => Op::Char(c),
        };
        let mut ops = Vec::new();
        let mut groups = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Fixed(chars) => ops.extend(chars.iter().map(|&c| op(c))),
                Piece::Either(alts) => {
                    ops.push(Op::Fork(groups.len()));
                    let mut starts = Vec::with_capacity(alts.len());
                    let mut ends = Vec::with_capacity(alts.len());
                    for alt in alts {
                        starts.push(ops.len());
                        ops.extend(alt.iter().map(|&c| op(c)));
                        ends.push(ops.len());
                        ops.push(Op::Jump(0));
                    }
                    let after = ops.len();
                    for end in ends {
                        if let Some(jump) = ops.get_mut(end) {
                            *jump = Op::Jump(after);
                        }
                    }
                    groups.push(starts);
                }
            }
        }
        Machine {
            ops,
            groups,
            sets: Mutex::default(),
            most_held: MOST_HELD,
        }
    }

    /// Whether the text (as [`Text`] leaves it) matches.
    fn matches(&self, text: &[char]) -> bool {
        match self.sets.try_lock() {
            Ok(mut sets) => sets.matches(self, text),
            Err(_) => self.matches_afresh(text),
        }
    }

    /// [`Machine::matches`] without the sets remembered.
    fn matches_afresh(&self, text: &[char]) -> bool {
        let mut now = self.start();
        for &c in text {
            if now.is_empty() {
                return false;
            }
            now = self.step(&now, c);
        }
        self.ends(&now)
    }

    fn start(&self) -> Vec<State> {
        self.follow(vec![(0, Spacing::Start)])
    }

    /// The states after reading `c` in those of `now`.
    fn step(&self, now: &[State], c: char) -> Vec<State> {
        let mut next = Vec::new();
        for &(at, spacing) in now {
            let Some(&op) = self.ops.get(at) else {
                continue;
            };
            match (op, spacing) {
                (_, Spacing::Owed) => {
                    if c == ' ' {
                        next.push((at, Spacing::Start));
                    }
                }
                (Op::Char(p), _) => {
                    if p == c {
                        next.push((at + 1, Spacing::Word));
                    }
                }
                (Op::One, _) => next.push((at + 1, Spacing::Word)),
                (Op::Any, _) => next.push((at, Spacing::Word)),
                // `follow` leaves none of these in a set.
                (Op::Space | Op::Fork(_) | Op::Jump(_), _) => {}
            }
        }
        self.follow(next)
    }

    /// Whether the text read so far matches, in `states`.
    fn ends(&self, states: &[State]) -> bool {
        states.iter().any(|&(at, _)| at == self.ops.len())
    }

    /// The states that read a character (or are at the end), reached from those in `from`
    /// without reading one: each once, however many ways lead to it, and in order, so that
    /// the same states are the same set. With a stack, not recursion: a glob can have
    /// thousands of groups in a row.
    fn follow(&self, mut from: Vec<State>) -> Vec<State> {
        let mut seen = foldhash::HashSet::default();
        let mut out = Vec::new();
        while let Some((at, spacing)) = from.pop() {
            if !seen.insert((at, spacing)) {
                continue;
            }
            match self.ops.get(at) {
                None | Some(Op::Char(_) | Op::One) => out.push((at, spacing)),
                Some(Op::Any) => {
                    out.push((at, spacing));
                    // `*` may match nothing, but not before an owed space is read.
                    if spacing != Spacing::Owed {
                        from.push((at + 1, Spacing::Word));
                    }
                }
                Some(Op::Space) => {
                    let spacing = match spacing {
                        Spacing::Word => Spacing::Owed,
                        s => s,
                    };
                    from.push((at + 1, spacing));
                }
                Some(&Op::Fork(group)) => {
                    let starts = self.groups.get(group).map_or(&[][..], Vec::as_slice);
                    from.extend(starts.iter().map(|&start| (start, spacing)));
                }
                Some(&Op::Jump(to)) => from.push((to, spacing)),
            }
        }
        out.sort_unstable();
        out
    }
}

/// The sets of states a [`Machine`] went through, each once, and where each character led
/// from them.
#[derive(Debug, Default)]
struct Sets {
    sets: Vec<Box<[State]>>,
    /// Whether each set is at the end of the glob: the text read to it matches.
    ends: Vec<bool>,
    /// The sets by their hash, to find one that was met before.
    by_hash: foldhash::HashMap<u64, Vec<usize>>,
    hasher: foldhash::fast::RandomState,
    /// Where a character leads from a set.
    next: foldhash::HashMap<(usize, char), usize>,
    start: Option<usize>,
    /// The states of all sets, and the sets and the ways between them: what they take, told
    /// in states.
    held: usize,
}

impl Sets {
    fn matches(&mut self, machine: &Machine, text: &[char]) -> bool {
        let mut at = match self.start {
            Some(at) => at,
            None => {
                let at = self.add(machine, machine.start());
                self.start = Some(at);
                at
            }
        };
        for &c in text {
            let Some(now) = self.sets.get(at) else {
                return machine.matches_afresh(text);
            };
            if now.is_empty() {
                return false;
            }
            at = match self.next.get(&(at, c)) {
                Some(&next) => next,
                None => {
                    let next = machine.step(now, c);
                    // Texts that lead through ever new sets would fill memory: all are
                    // forgotten, and those met from here on remembered.
                    if self.held.saturating_add(next.len()) >= machine.most_held {
                        *self = Sets::default();
                        self.add(machine, next)
                    } else {
                        let next = self.add(machine, next);
                        self.next.insert((at, c), next);
                        self.held += 1;
                        next
                    }
                }
            };
        }
        self.ends.get(at).copied().unwrap_or(false)
    }

    /// The number of `set`, met now or before.
    fn add(&mut self, machine: &Machine, set: Vec<State>) -> usize {
        let hash = self.hasher.hash_one(&set[..]);
        let same = self.by_hash.entry(hash).or_default();
        let sets = &self.sets;
        if let Some(&at) = same
            .iter()
            .find(|&&at| sets.get(at).is_some_and(|s| **s == set[..]))
        {
            return at;
        }
        let at = sets.len();
        same.push(at);
        self.held = self.held.saturating_add(set.len() + 1);
        self.ends.push(machine.ends(&set));
        self.sets.push(set.into_boxed_slice());
        at
    }
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

    /// `{}` thirty thousand times over was expanded by recursing once per group, copying the
    /// whole glob each time: gigabytes, then an abort.
    #[test]
    fn thirty_thousand_empty_groups_are_nothing() {
        let glob = format!("{}Budget", "{}".repeat(30_000));
        let p = Pattern::new(&glob);
        assert!(p.matches("Budget") && p.matches_plain("budget") && p.matches("BUDGET"));
        assert!(!p.matches("Budge") && !p.matches("{}Budget"));
        assert!(matches(&glob, "Budget") && !matches(&glob, "Budget 2020"));
        let glob = format!("{}*x", "{Budget}{ }".repeat(30_000));
        let text = format!("{}x", "budget ".repeat(30_000));
        assert!(matches(&glob, &text) && matches(&glob, &format!("{text}{text}")));
        assert!(!matches(&glob, &text[7..]) && !matches(&glob, "budget x"));
    }

    /// Past 256 alternatives the rest were dropped: `{a,b}` ten times over matched
    /// "aaaaaaaaaa" but not "bbbbbbbbbb".
    #[test]
    fn every_alternative_counts_however_many_there_are() {
        let ten = "{a,b}".repeat(10);
        for text in ["aaaaaaaaaa", "bbbbbbbbbb", "abababbbab", "BBBBBBBBBB"] {
            assert!(matches(&ten, text), "{text}");
        }
        for text in ["aaaaaaaaa", "aaaaaaaaaaa", "aaaaaaaaac", ""] {
            assert!(!matches(&ten, text), "{text}");
        }
        assert!(matches(&"{a,b,c}".repeat(6), "cccccc"));
        // 2^30 000 alternatives, matched as written.
        let many = "{a,b}".repeat(30_000);
        let text: String = (0..30_000)
            .map(|i| if i % 7 == 0 { 'b' } else { 'a' })
            .collect();
        assert!(matches(&many, &text) && matches(&many, &text.to_uppercase()));
        assert!(!matches(&many, &text[1..]) && !matches(&many, &format!("{text}a")));
        // Few alternatives, but long ones.
        let long = format!("{}{}", "{a,b}".repeat(8), "x".repeat(2_000));
        assert!(matches(&long, &format!("babababa{}", "x".repeat(2_000))));
        assert!(!matches(&long, &format!("babababa{}", "x".repeat(1_999))));
        // Groups within a header glob, against the headers of a table.
        let glob = format!("{}* 20??", "{Prognos,Utfall,Budget}".repeat(6));
        let header = format!("{} 2020", "utfall".repeat(6));
        assert!(matches(&glob, &header) && !matches(&glob, "Utfall 2020"));
    }

    /// The automaton that matches a glob of too many alternatives matches exactly as the
    /// alternatives would, spaces and all.
    #[test]
    fn the_machine_matches_as_the_alternatives() {
        use super::{Machine, Text, expand, pieces, wildcard};
        let tokens = ["a", "b", " ", "*", "?", "{a,b}", "{, }", "{ a ,b }", "{*,}"];
        let mut globs = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = globs
                .iter()
                .flat_map(|g| tokens.iter().map(move |t| format!("{g}{t}")))
                .collect();
            globs.extend(longer);
        }
        globs.sort();
        globs.dedup();
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| ["a", "b", " "].map(|c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        let texts: Vec<Text> = texts.iter().map(|t| Text::new(t)).collect();
        let (mut matched, mut compared) = (0, 0);
        for glob in &globs {
            let chars: Vec<char> = glob.chars().collect();
            let pieces = pieces(&chars);
            let count = pieces.iter().fold(1, |n, p| match p {
                super::Piece::Fixed(_) => n,
                super::Piece::Either(alts) => n * alts.len(),
            });
            let alternatives = expand(&pieces, count);
            let machine = Machine::new(&pieces);
            // One that forgets the sets it went through every few characters.
            let mut forgetful = Machine::new(&pieces);
            forgetful.most_held = 6;
            for text in &texts {
                let expected = alternatives.iter().any(|alt| wildcard(alt, &text.0));
                assert_eq!(machine.matches(&text.0), expected, "{glob:?} {:?}", text.0);
                assert_eq!(
                    forgetful.matches(&text.0),
                    expected,
                    "{glob:?} {:?}",
                    text.0
                );
                assert_eq!(machine.matches_afresh(&text.0), expected);
                matched += usize::from(expected);
                compared += 1;
            }
        }
        assert!(compared > 20_000 && matched > 2_000, "{compared} {matched}");
    }

    /// A `{` opens a group that the next `}` closes; other braces are characters.
    #[test]
    fn braces_outside_a_group_are_characters() {
        assert!(matches("{a{b,c}", "a{b") && matches("{a{b,c}", "c"));
        assert!(matches("{a,b", "{a,b") && !matches("{a,b", "a"));
        assert!(matches("a}b", "a}b") && matches("}{a,b}{", "}b{"));
        assert!(matches("{a{,b}c}d", "a{c}d") && matches("{a{,b}c}d", "bc}d"));
        let unclosed = "{".repeat(30_000);
        assert!(matches(&unclosed, &unclosed) && !matches(&unclosed, "{"));
        assert!(matches("{Summa,Totalt}*", "Totalt 2020") && matches("{}", ""));
    }

    #[test]
    fn a_glob_matches_its_own_text_in_any_script() {
        for text in ["ΟΔΟΣ 2020", "Öppen förskola", "İstanbul", "STRASSE"] {
            assert!(matches(text, text), "{text}");
            assert!(matches(&format!("{text}*"), text), "{text}");
            assert!(matches(&text.to_lowercase(), text), "{text}");
        }
    }

    /// `matches` compiles a glob once for the many texts it is matched against, also when
    /// a rule matches rows against a few dozen globs in turn.
    #[test]
    fn matches_reuses_what_it_compiled() {
        use super::{KEPT, compiled};
        use std::rc::Rc;
        let globs: Vec<String> = (0..40).map(|i| format!("{{a,b}}{i}")).collect();
        let first: Vec<Rc<Pattern>> = globs.iter().map(|g| compiled(g)).collect();
        for round in 0..3 {
            for (i, glob) in globs.iter().enumerate().rev() {
                assert!(matches(glob, &format!("a{i}")), "{round} {glob}");
                assert!(!matches(glob, &format!("a{}", i + 1)), "{round} {glob}");
                assert!(Rc::ptr_eq(&first[i], &compiled(glob)), "{round} {glob}");
            }
        }
        // Past as many as it keeps, it starts again: memory stays bounded.
        for i in 0..KEPT {
            compiled(&format!("{{c,d}}{i}"));
        }
        assert!(!Rc::ptr_eq(&first[0], &compiled(&globs[0])));
        assert!(matches(&globs[0], "b0"));
    }

    /// A glob whose automaton has thousands of states alive at once, matched against the
    /// key of every row: reading each character of each key through all of them took
    /// minutes.
    #[test]
    fn a_large_automaton_matches_row_after_row_quickly() {
        use std::time::{Duration, Instant};
        let glob = format!("{}q", "{*,}".repeat(10_000));
        let pattern = Pattern::new(&glob);
        let start = Instant::now();
        for i in 0..20_000 {
            let key = format!("k{i}");
            assert!(!pattern.matches_plain(&key) && pattern.matches(&format!("{key} q")));
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        let clone = pattern.clone();
        assert!(clone.matches("q") && clone.matches("xq") && !clone.matches("qx"));
    }
}
