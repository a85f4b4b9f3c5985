//! Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits): the optional second
//! factor of an account, as the authenticator applications (FreeOTP, Aegis, Google Authenticator…) compute it,
//! with `totp-rs` (on the hmac and sha1 crates the workspace already had); its base32 for the secrets.

use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Length of a step, in seconds (RFC 6238 default, what every application uses).
pub const STEP_SECS: i64 = 30;
/// Steps accepted before and after the current one, for clocks that drift (RFC 6238 § 5.2).
const DRIFT_STEPS: u16 = 1;
const DIGITS: u8 = 6;
/// Length of a generated secret in bytes (RFC 4226 § 4 recommends 160 bits).
pub const SECRET_LEN: usize = 20;

/// The step that contains `unix_secs`.
pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The generator of `secret` with `digits` digits (`totp-rs`). Not checked against the RFC's minimum secret
/// length: enrolment makes [`SECRET_LEN`] bytes, and the digits are constants below 10.
fn generator(secret: &[u8], digits: u8) -> Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(DRIFT_STEPS)
        .with_step_duration(STEP_SECS as u64)
        .with_secret(secret.to_vec())
        .build_noncompliant()
}

/// Seconds since 1970 as the crate counts them: none before.
fn unsigned(unix_secs: i64) -> u64 {
    u64::try_from(unix_secs).unwrap_or(0)
}

/// The six-digit code shown by an application at `unix_secs`.
pub fn code_at(secret: &[u8], unix_secs: i64) -> String {
    generator(secret, DIGITS).generate(unsigned(unix_secs)).to_string()
}

/// The step matched by `code` around `unix_secs`, if any. Spaces are ignored (applications show « 123 456 »).
/// The caller refuses a step already used, so that an overheard code cannot be replayed.
pub fn verify(secret: &[u8], code: &str, unix_secs: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = generator(secret, DIGITS).check(&code, unsigned(unix_secs))?;
    i64::try_from(step).ok()
}

/// RFC 4648 base32 without padding: how secrets are typed into applications.
pub fn base32_encode(bytes: &[u8]) -> String {
    Secret::from(bytes.to_vec()).to_base32()
}

/// Decodes base32, ignoring case, spaces and padding; `None` on any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let text: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Secret::try_from_base32(text).ok().map(|s| s.as_bytes().to_vec())
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
            assert_eq!(
                generator(RFC_SECRET, 8).generate(time as u64).to_string(),
                format!("{expected:08}"),
                "T = {time}"
            );
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
