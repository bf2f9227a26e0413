//! "Did you mean …?" for names a rule file gets wrong.

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = if c.to_lowercase() == lower {
            0
        } else {
            distance(&lower, &c.to_lowercase())
        };
        let prefix = c.to_lowercase().starts_with(&lower) && lower.chars().count() >= 3;
        if (d <= limit || prefix) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// The Latin letter a Cyrillic or Greek letter looks like, for the letters that are commonly
/// typed or pasted in place of one (`Summа` with a Cyrillic а); `None` for any other.
pub fn latin_look_alike(c: char) -> Option<char> {
    let latin = match c {
        // Cyrillic
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ѕ' => 's',
        'ј' => 'j',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'У' => 'Y',
        'Х' => 'X',
        'І' => 'I',
        'Ѕ' => 'S',
        'Ј' => 'J',
        // Greek
        'ο' => 'o',
        'α' => 'a',
        'ι' => 'i',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        _ => return None,
    };
    Some(latin)
}

/// `text` with each look-alike letter ([`latin_look_alike`]) made the Latin one, and the
/// first letter so replaced; `None` if it has none.
pub fn without_look_alikes(text: &str) -> Option<(String, char)> {
    let first = text.chars().find(|&c| latin_look_alike(c).is_some())?;
    let latin = text
        .chars()
        .map(|c| latin_look_alike(c).unwrap_or(c))
        .collect();
    Some((latin, first))
}

/// How a look-alike letter is named in a message: `the Cyrillic letter 'а' (U+0430)`.
pub fn describe_look_alike(c: char) -> String {
    let script = if ('\u{370}'..='\u{3ff}').contains(&c) {
        "Greek"
    } else {
        "Cyrillic"
    };
    format!("the {script} letter '{c}' (U+{:04X})", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_letters_are_found_and_named() {
        assert_eq!(
            without_look_alikes("Summа Ekonоmi"),
            Some(("Summa Ekonomi".to_string(), 'а'))
        );
        assert_eq!(without_look_alikes("Summa Ärenden"), None);
        assert_eq!(describe_look_alike('а'), "the Cyrillic letter 'а' (U+0430)");
        assert_eq!(describe_look_alike('Ο'), "the Greek letter 'Ο' (U+039F)");
    }

    #[test]
    fn suggests_close_names_only() {
        let cols = ["redovisat", "budget", "avvikelse", "foreg"];
        assert_eq!(did_you_mean("budegt", cols), Some("budget"));
        assert_eq!(did_you_mean("avvikelsen", cols), Some("avvikelse"));
        assert_eq!(did_you_mean("Budget", cols), Some("budget"));
        assert_eq!(did_you_mean("prognos", cols), None);
    }
}
