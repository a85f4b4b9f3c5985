//! Password hashing with argon2id in work areas kept for the next login.
//!
//! Each computation needs 19 MiB (argon2's default memory cost). Allocated per login and freed after, these areas
//! stay in glibc's arenas and the server grows with the logins that ran at once (docs/reliability.md). Here at most
//! one area per computation allowed at once ([`off_the_async_threads`]) is made, on first need, and reused.

use crate::infra::error::{Result, StoreError};
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use std::sync::{Mutex, OnceLock, PoisonError};

/// How many argon2 computations run at once: one per core, each takes a core for its whole length.
fn at_once() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// The work areas not in use; never more than [`at_once`] exist.
fn idle() -> &'static Mutex<Vec<Vec<Block>>> {
    static IDLE: OnceLock<Mutex<Vec<Vec<Block>>>> = OnceLock::new();
    IDLE.get_or_init(|| Mutex::new(Vec::new()))
}

/// Runs `argon` over the password and salt into `out`, in a kept work area of `argon`'s size.
fn compute(argon: &Argon2, params: &Params, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    let blocks = params.block_count();
    let kept = idle().lock().unwrap_or_else(PoisonError::into_inner).pop();
    let mut area = match kept {
        Some(area) if area.len() == blocks => area,
        // The first login, or a hash made with other parameters (an older account): an area of its size.
        _ => vec![Block::new(); blocks],
    };
    let result = argon.hash_password_into_with_memory(password, salt, out, &mut area[..]);
    let mut idle = idle().lock().unwrap_or_else(PoisonError::into_inner);
    if idle.len() < at_once() && blocks == Params::DEFAULT_M_COST as usize {
        idle.push(area);
    }
    result
}

fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(sqlx::Error::Protocol(format!("hachage du mot de passe : {e}")))
}

/// The PHC string of `password` hashed with argon2id, default parameters, a random 16-byte salt.
pub(super) fn hash(password: &str) -> Result<String> {
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(&argon, &params, password.as_bytes(), &salt, &mut out).map_err(failed)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(failed)?,
        salt: Some(Salt::new(&salt).map_err(failed)?),
        hash: Some(Output::new(&out).map_err(failed)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `stored` (compared in constant time); an unreadable string matches
/// nothing.
pub(super) fn verify(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(hash.algorithm.as_str()), Params::try_from(&hash)) else {
        return false;
    };
    let version = hash.version.map_or(Ok(Version::default()), Version::try_from);
    let Ok(version) = version else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    compute(&argon, &params, password.as_bytes(), salt, &mut out).is_ok()
        && Output::new(&out).is_ok_and(|o| o == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[test]
    fn hashes_read_by_the_argon2_crate_and_back() {
        let stored = hash("correct horse battery 1").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        // The crate's own verifier accepts it, and ours accepts the crate's hashes.
        let parsed = PasswordHash::new(&stored).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery 1", &parsed)
                .is_ok()
        );
        assert!(verify("correct horse battery 1", &stored));
        assert!(!verify("correct horse battery 2", &stored));
        let theirs = argon2::password_hash::PasswordHasher::hash_password(&Argon2::default(), b"un autre, 2")
            .unwrap()
            .to_string();
        assert!(verify("un autre, 2", &theirs) && !verify("un autre, 3", &theirs));
        // Other parameters (a cheaper hash of an older account) are read too.
        let cheap = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8, 1, 1, None).unwrap());
        let old = argon2::password_hash::PasswordHasher::hash_password(&cheap, b"ancien mot 1")
            .unwrap()
            .to_string();
        assert!(verify("ancien mot 1", &old) && !verify("ancien mot 2", &old));
        assert!(!verify("x", "pas un hachage"));
    }

    #[test]
    fn work_areas_are_kept_not_multiplied() {
        for _ in 0..(at_once() + 2) {
            hash("correct horse battery 1").unwrap();
        }
        let idle = idle().lock().unwrap();
        assert!(!idle.is_empty() && idle.len() <= at_once(), "{} areas kept", idle.len());
        assert!(idle.iter().all(|a| a.len() == Params::DEFAULT_M_COST as usize));
    }
}
