//! Control characters shown, not sent. A report cell or a file name may hold ESC, BEL, CR or
//! NUL; written raw to a terminal or a CI log they would move the cursor, erase lines or
//! colour what follows, and hide findings. The text outputs show each such character as one
//! other character instead, so columns and label positions stay where they were:
//!
//! - a C0 control (U+0000–U+001F) as its Unicode control picture, U+2400 plus its code
//!   (`␀`, `␇`, `␍`, `␊`, `␛`);
//! - DEL (U+007F) as `␡`;
//! - a C1 control (U+0080–U+009F), which has no picture, as `�`;
//! - a bidirectional control — the embeddings and overrides U+202A–U+202E, the isolates
//!   U+2066–U+2069 and the marks U+200E, U+200F and U+061C — as `�` too. These draw nothing
//!   themselves but reorder the text around them, so that a line in a terminal or a CI log can
//!   read otherwise than the bytes it holds ("Trojan Source").
//!
//! A tab stays a tab (miette draws it as spaces; elsewhere it does no harm). A line break
//! stays one in text that has lines (a report's lines, a rule's help), and is shown as `␊`
//! (a CR as `␍`) where the text is one line (a file name, a cell, a message).

use std::borrow::Cow;

/// How a control character is shown, or `None` for any other character (tab included: it is
/// a control character, but the callers keep it).
pub fn picture(c: char) -> Option<char> {
    match c {
        '\t' => None,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32),
        '\x7f' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' => Some('\u{fffd}'),
        c if is_bidi_control(c) => Some('\u{fffd}'),
        _ => None,
    }
}

/// The characters that change the direction of the text around them.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether the character starting at byte `i` of `b` is shown as a picture: `lines` keeps
/// line feeds and the CR of a CRLF.
fn replaced_at(b: &[u8], i: usize, lines: bool) -> bool {
    match b[i] {
        b'\t' => false,
        b'\n' => !lines,
        b'\r' => !(lines && b.get(i + 1) == Some(&b'\n')),
        0..=0x1f | 0x7f => true,
        // The lead byte of U+0080–U+00BF: a C1 control when the next byte is 0x80–0x9F.
        0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
        // U+061C.
        0xd8 => b.get(i + 1) == Some(&0x9c),
        // U+200E, U+200F, U+202A–U+202E and U+2066–U+2069.
        0xe2 => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0x80), Some(0x8e | 0x8f | 0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
        _ => false,
    }
}

/// The offset of the first character to show as a picture. Looked for a block of bytes at a
/// time (a block without a byte that may start one is passed over at once), since the text of
/// a whole report file is looked through too.
fn first_replaced(s: &str, lines: bool) -> Option<usize> {
    const BLOCK: usize = 64;
    let b = s.as_bytes();
    let mut from = 0;
    for block in b.chunks(BLOCK) {
        let maybe = block.iter().fold(false, |m, &x| {
            m | (x < 0x20) | (x == 0x7f) | (x == 0xc2) | (x == 0xd8) | (x == 0xe2)
        });
        if maybe && let Some(i) = (from..from + block.len()).find(|&i| replaced_at(b, i, lines)) {
            return Some(i);
        }
        from += block.len();
    }
    None
}

/// `s` with the characters from `at` on shown, calling `replaced(offset, len)` for each
/// character replaced (its offset and length in `s`).
fn show_from(s: &str, at: usize, lines: bool, mut replaced: impl FnMut(usize, usize)) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..at]);
    for (i, c) in s[at..].char_indices() {
        let i = at + i;
        match picture(c).filter(|_| replaced_at(b, i, lines)) {
            Some(p) => {
                out.push(p);
                replaced(i, c.len_utf8());
            }
            None => out.push(c),
        }
    }
    out
}

fn show(s: &str, lines: bool) -> Cow<'_, str> {
    match first_replaced(s, lines) {
        None => Cow::Borrowed(s),
        Some(at) => Cow::Owned(show_from(s, at, lines, |_, _| {})),
    }
}

/// Text that has lines (a rule's help, a report's text): control characters shown, tabs,
/// line feeds and CRLFs kept. Borrowed when there is nothing to show.
/// `s` cut after `chars` characters, with `…` where it was cut: a name a message repeats
/// (a row key, a cell quoted) stays readable however long the file made it.
pub fn shortened(s: &str, chars: usize) -> Cow<'_, str> {
    match s.char_indices().nth(chars) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &s[..cut])),
        None => Cow::Borrowed(s),
    }
}

pub fn visible(s: &str) -> Cow<'_, str> {
    show(s, true)
}

/// Text that is one line (a file name, a cell, a message): control characters shown, line
/// feeds and CRs too; tabs kept. Borrowed when there is nothing to show.
pub fn visible_line(s: &str) -> Cow<'_, str> {
    show(s, false)
}

/// [`visible`] of an owned text, without a copy when there is nothing to show.
pub fn into_visible(s: String) -> String {
    match first_replaced(&s, true) {
        None => s,
        Some(at) => show_from(&s, at, true, |_, _| {}),
    }
}

/// [`visible_line`] of an owned text, without a copy when there is nothing to show.
pub fn into_visible_line(s: String) -> String {
    match first_replaced(&s, false) {
        None => s,
        Some(at) => show_from(&s, at, false, |_, _| {}),
    }
}

/// A text with lines shown as [`visible`] does, and how its offsets moved: for each character
/// replaced, the offset just after it in `s` and how many bytes longer the shown text is up
/// to there. `None` when there is nothing to show.
pub fn visible_with_shifts(s: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let at = first_replaced(s, true)?;
    let mut shifts = Vec::new();
    let mut longer = 0;
    let shown = show_from(s, at, true, |i, len| {
        // Every picture takes three bytes (a bidirectional control takes three too).
        longer += 3 - len;
        shifts.push((i + len, longer));
    });
    Some((shown, shifts))
}

/// Where offset `offset` of a text is in its shown text, given the shifts of
/// [`visible_with_shifts`].
pub fn shifted(shifts: &[(usize, usize)], offset: usize) -> usize {
    let i = shifts.partition_point(|&(after, _)| after <= offset);
    offset + i.checked_sub(1).map_or(0, |i| shifts[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_as_one_character_each() {
        assert_eq!(
            visible_line("Kontakt\x1b[2K\x1b[1A\x07\r\0\x7f\u{9b}"),
            "Kontakt␛[2K␛[1A␇␍␀␡�"
        );
        assert_eq!(visible_line("a\nb\r\nc\td"), "a␊b␍␊c\td");
        assert_eq!(visible("a\nb\r\nc\td\re\x1b"), "a\nb\r\nc\td␍e␛");
        // Every control character but tab, every bidirectional control, and nothing else.
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let s = c.to_string();
            let shown = visible_line(&s);
            let control = c.is_control() && c != '\t' || is_bidi_control(c);
            assert_eq!(matches!(shown, Cow::Owned(_)), control, "{c:?}");
            assert_eq!(shown.chars().count(), 1, "{c:?}");
        }
    }

    #[test]
    fn bidirectional_controls_are_shown() {
        // "Trojan Source": an override makes `kr` read before the figure it follows.
        let s = "Summa \u{202e}rk 001\u{202c} \u{2066}x\u{2069}\u{200e}\u{200f}\u{61c}";
        assert_eq!(visible_line(s), "Summa �rk 001� �x����");
        assert_eq!(visible(s), visible_line(s));
        let (shown, shifts) = visible_with_shifts(s).unwrap();
        // Each is three bytes, as `�` is, but U+061C, which is two.
        assert_eq!(shown.len(), s.len() + 1);
        assert_eq!(shifted(&shifts, s.len()), s.len() + 1);
        // Their neighbours in Unicode are kept: dashes, quotes, the euro sign, the word
        // joiner, Arabic letters.
        let kept = "– — ‘ ’ “ ” … € − \u{2060} \u{200b} \u{2065} \u{202f} \u{0627}\u{061b}\u{061d}";
        assert!(matches!(visible_line(kept), Cow::Borrowed(_)));
    }

    #[test]
    fn text_without_controls_is_borrowed() {
        let long = "Kontakt Linköping;1\u{a0}030;ä « » ½ °\r\n".repeat(100);
        assert!(matches!(visible(&long), Cow::Borrowed(_)));
        assert!(matches!(visible_line("å\u{a0}ö\t"), Cow::Borrowed(_)));
        assert!(visible_with_shifts(&long).is_none());
        // Found at the end of a long text too, and across the edge of a block.
        let at_end = format!("{}\x1b", "x".repeat(63));
        assert_eq!(visible_line(&at_end), format!("{}␛", "x".repeat(63)));
        let edge = format!("{}\r\n", "x".repeat(63));
        assert!(matches!(visible(&edge), Cow::Borrowed(_)));
        assert_eq!(visible_line(&edge), format!("{}␍␊", "x".repeat(63)));
    }

    #[test]
    fn offsets_move_with_the_pictures() {
        let s = "a\x1bb\u{85}c\nd";
        let (shown, shifts) = visible_with_shifts(s).unwrap();
        assert_eq!(shown, "a␛b�c\nd");
        for (from, to) in [(0, 0), (1, 1), (2, 4), (3, 5), (5, 8), (6, 9), (7, 10)] {
            assert_eq!(shifted(&shifts, from), to, "{from}");
        }
        assert_eq!(&shown[shifted(&shifts, 5)..], "c\nd");
        assert_eq!(into_visible_line("x\ny".to_string()), "x␊y");
        assert_eq!(into_visible("x\ny".to_string()), "x\ny");
    }
}
