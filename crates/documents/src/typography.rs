//! French typography of the documents' texts: a no-break space before the high punctuation and inside the
//! guillemets, so that « ; : ! ? » never start a line and « » never stand alone at a line's end.
//!
//! Source: Lexique des règles typographiques en usage à l'Imprimerie nationale (espace fine insécable
//! before « ; ! ? », espace insécable before « : » and inside « »). An ordinary space there becomes the
//! no-break one; a missing space is added, except where the sign is not punctuation of the sentence: a
//! colon or question mark followed by a letter or a digit (« 10:30 », « https://… », « page?id=1 ») is left
//! alone. Applying it twice changes nothing.

/// Narrow no-break space (espace fine insécable).
const THIN: char = '\u{202f}';
/// No-break space (espace insécable).
const NBSP: char = '\u{a0}';

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | NBSP | THIN)
}

/// `text` with the French no-break spaces.
pub fn french(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let space_before = match c {
            ';' | '!' | '?' => Some(THIN),
            ':' | '»' => Some(NBSP),
            _ => None,
        };
        if let Some(space) = space_before {
            // A sign ending a sentence's clause: followed by a space, the end, or closing punctuation.
            let ends_clause = c == '»' || next.is_none_or(|n| is_space(n) || matches!(n, '»' | ')' | '!' | '?' | '.'));
            match out.chars().last() {
                // "a ;" -> "a\u{202f};" (the ordinary space before becomes a no-break one)
                Some(' ') => {
                    out.pop();
                    out.push(space);
                }
                // Right after another sign of the same family ("?!", "»;"), after an opening bracket or a
                // space already unbreakable: nothing to add.
                Some(p) if is_space(p) || matches!(p, ';' | ':' | '!' | '?' | '(' | '«') => {}
                Some(_) if ends_clause => out.push(space),
                _ => {}
            }
            out.push(c);
            continue;
        }
        if c == ' ' && out.ends_with('«') {
            out.push(NBSP);
            continue;
        }
        out.push(c);
        if c == '«' && next.is_some_and(|n| !is_space(n)) {
            out.push(NBSP);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::french;

    // Imprimerie nationale: fine before ; ! ?, insécable before : and inside « ».
    #[test]
    fn french_spaces() {
        let cases = [
            ("Objet : la convention", "Objet\u{a0}: la convention"),
            ("Objet: la convention", "Objet\u{a0}: la convention"),
            ("fin ; suite", "fin\u{202f}; suite"),
            ("vraiment ?", "vraiment\u{202f}?"),
            ("vraiment?!", "vraiment\u{202f}?!"),
            ("« test »", "«\u{a0}test\u{a0}»"),
            ("«test»", "«\u{a0}test\u{a0}»"),
            ("dit « oui ».", "dit «\u{a0}oui\u{a0}»."),
            // Not the sentence's punctuation: hours, addresses, queries.
            ("à 10:30", "à 10:30"),
            ("https://passerelle.test/page?id=1", "https://passerelle.test/page?id=1"),
            ("(?)", "(?)"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(french(text), expected, "{text}");
            assert_eq!(french(expected), expected, "twice: {text}");
        }
    }
}
