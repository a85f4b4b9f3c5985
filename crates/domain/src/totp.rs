//! Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits): the optional second
//! factor of an account, as the authenticator applications (FreeOTP, Aegis, Google Authenticator…) compute it.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Length of a step, in seconds (RFC 6238 default, what every application uses).
pub const STEP_SECS: i64 = 30;
/// Steps accepted before and after the current one, for clocks that drift (RFC 6238 § 5.2).
const DRIFT_STEPS: i64 = 1;
const DIGITS: u32 = 6;
/// Length of a generated secret in bytes (RFC 4226 § 4 recommends 160 bits).
pub const SECRET_LEN: usize = 20;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The step that contains `unix_secs`.
pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The code of `step` for `secret`, with `digits` digits (RFC 4226 § 5.3, dynamic truncation).
fn hotp(secret: &[u8], step: i64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[hash.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The six-digit code shown by an application at `unix_secs`.
pub fn code_at(secret: &[u8], unix_secs: i64) -> String {
    format!("{:06}", hotp(secret, step_of(unix_secs), DIGITS))
}

/// The step matched by `code` around `unix_secs`, if any. Spaces are ignored (applications show « 123 456 »).
/// The caller refuses a step already used, so that an overheard code cannot be replayed.
pub fn verify(secret: &[u8], code: &str, unix_secs: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix_secs);
    (now - DRIFT_STEPS..=now + DRIFT_STEPS).find(|step| format!("{:06}", hotp(secret, *step, DIGITS)) == code)
}

/// RFC 4648 base32 without padding: how secrets are typed into applications.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            out.push(BASE32[((bits >> (35 - i * 5)) & 31) as usize] as char);
        }
    }
    out
}

/// Decodes base32, ignoring case, spaces and padding; `None` on any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32.iter().position(|b| *b as char == c.to_ascii_uppercase())? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The `otpauth://` address an application reads (Key Uri Format), for `account` at `issuer`.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'@' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        base32_encode(secret),
        enc(issuer)
    )
}

/// Recovery codes given when the second factor is turned on, each accepted once in place of a code.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code: digits and lower-case letters without the ones read alike (0/o, 1/l/i).
pub const RECOVERY_ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Length of a recovery code: 12 characters of 31, about 59 bits of chance.
pub const RECOVERY_CODE_LEN: usize = 12;

/// `text` in groups of four characters for reading and typing: a key (« MZXW 6YTB »), a recovery code
/// (« k7qm-2hxw-9crt »).
pub fn in_groups_of_four(text: &str, separator: &str) -> String {
    text.chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(separator)
}

/// The characters of a recovery code as typed (dashes, spaces and case ignored); `None` if it cannot be one.
pub fn recovery_code_normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == RECOVERY_CODE_LEN && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238, appendix B: the SHA1 test vectors (8 digits) with the ASCII secret "12345678901234567890".
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_test_vectors() {
        for (time, expected) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(RFC_SECRET, step_of(time), 8), expected, "T = {time}");
            // Six digits are the last six of the eight.
            assert_eq!(
                code_at(RFC_SECRET, time),
                format!("{:06}", expected % 1_000_000),
                "T = {time}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_around_and_not_beyond() {
        let t = 1_111_111_111;
        let code = code_at(RFC_SECRET, t);
        assert_eq!(verify(RFC_SECRET, &code, t), Some(step_of(t)));
        assert_eq!(verify(RFC_SECRET, &code, t + STEP_SECS), Some(step_of(t)));
        assert_eq!(verify(RFC_SECRET, &code, t - STEP_SECS), Some(step_of(t)));
        assert_eq!(verify(RFC_SECRET, &code, t + 3 * STEP_SECS), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(verify(RFC_SECRET, &spaced, t), Some(step_of(t)));
        for bad in ["", "12345", "1234567", "abcdef", "12 34 5x"] {
            assert_eq!(verify(RFC_SECRET, bad, t), None, "{bad:?}");
        }
    }

    // RFC 4648 § 10 test vectors (without padding).
    #[test]
    fn base32_round_trips_the_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base32_decode("mzxw 6ytb oi=="), Some(b"foobar".to_vec()));
        assert_eq!(base32_decode("MZ1W"), None);
    }

    #[test]
    fn the_address_carries_the_secret_and_escapes_the_names() {
        let uri = otpauth_uri(b"foobar", "Passerelle", "anne dupont@x.fr");
        assert_eq!(
            uri,
            "otpauth://totp/Passerelle:anne%20dupont@x.fr?secret=MZXW6YTBOI&issuer=Passerelle&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn a_recovery_code_is_read_as_shown_or_typed_loosely() {
        let code = "k7qm2hxw9crt";
        assert_eq!(in_groups_of_four(code, "-"), "k7qm-2hxw-9crt");
        for typed in ["k7qm-2hxw-9crt", "K7QM 2HXW 9CRT", " k7qm2hxw9crt "] {
            assert_eq!(recovery_code_normalise(typed).as_deref(), Some(code), "{typed:?}");
        }
        // Too short, too long, a character outside the alphabet (o, 1), a TOTP code.
        for bad in [
            "",
            "k7qm-2hxw-9cr",
            "k7qm-2hxw-9crtt",
            "k7qm-2hxw-9cro",
            "k7qm-2hxw-9cr1",
            "123456",
        ] {
            assert_eq!(recovery_code_normalise(bad), None, "{bad:?}");
        }
    }
}
