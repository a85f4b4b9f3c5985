//! Recovery codes of the second factor: drawn when the factor is turned on, each accepted
//! once in place of a TOTP code (login, replacing the codes, turning the factor off), kept only hashed,
//! replaced together, and each use journaled.

use super::{demo_ctx, postgres_demo, sqlite_demo};
use passerelle_domain::totp;
use passerelle_store::auth::SessionKind;
use passerelle_store::auth::second_factor::SecondFactor;
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::{Store, StoreError};
use time::OffsetDateTime;

const ADDRESS: &str = "ddets-21@passerelle.test";

async fn login(store: &Store, code: &str) -> Result<(), StoreError> {
    store
        .login_with_code(
            ADDRESS,
            passerelle_fixtures::demo::DEMO_PASSWORD,
            Some(code),
            "local",
            SessionKind::Api,
        )
        .await
        .map(|_| ())
}

fn refused(result: Result<impl std::fmt::Debug, StoreError>) -> bool {
    matches!(result, Err(StoreError::SecondFactorInvalid))
}

async fn count(store: &Store, sql: &str) -> i64 {
    let mut db = store.pool().clone();
    db.fetch_one(query(sql)).await.unwrap().get("n").unwrap()
}

async fn recovery_codes(store: Store) {
    let ctx = demo_ctx(&store, "ddets-21").await;
    let secret = store.start_second_factor(&ctx).await.unwrap();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let codes = store
        .confirm_second_factor(&ctx, &totp::code_at(&secret, now))
        .await
        .unwrap();
    assert_eq!(codes.len(), totp::RECOVERY_CODES);
    assert!(
        codes
            .iter()
            .all(|c| c.len() == 14 && totp::recovery_code_normalise(c).is_some()),
        "{codes:?}"
    );
    let mut distinct = codes.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), codes.len());
    assert_eq!(
        store.second_factor(&ctx).await.unwrap(),
        SecondFactor::On {
            recovery_codes_left: 10
        }
    );
    // Only hashes are kept: no code, with or without its dashes, is in the table.
    let mut db = store.pool().clone();
    for code in &codes {
        let plain = totp::recovery_code_normalise(code).unwrap();
        let found = db
            .fetch_optional(
                query("SELECT 1 AS one FROM recovery_codes WHERE code_hash = $1 OR code_hash = $2")
                    .bind(code)
                    .bind(&plain),
            )
            .await
            .unwrap();
        assert!(found.is_none(), "{code} kept in clear");
    }

    // A recovery code opens a session once; typed loosely (case, no dashes) it is the same code.
    assert!(matches!(
        store
            .login_with_code(
                ADDRESS,
                passerelle_fixtures::demo::DEMO_PASSWORD,
                None,
                "local",
                SessionKind::Api
            )
            .await,
        Err(StoreError::SecondFactorRequired)
    ));
    login(&store, &codes[0]).await.unwrap();
    assert!(
        refused(login(&store, &codes[0]).await),
        "a recovery code is accepted once"
    );
    login(&store, &codes[1].replace('-', "").to_uppercase()).await.unwrap();
    assert_eq!(
        store.second_factor(&ctx).await.unwrap(),
        SecondFactor::On { recovery_codes_left: 8 }
    );

    // Two logins racing on one code: one passes.
    let (a, b) = tokio::join!(login(&store, &codes[2]), login(&store, &codes[2]));
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    assert!(refused(a.and(b)));

    // Replacing the codes takes a current code (here a recovery one, spent); the old ones stop working.
    assert!(refused(store.regenerate_recovery_codes(&ctx, "000000").await));
    assert!(
        refused(store.regenerate_recovery_codes(&ctx, &codes[0]).await),
        "already used"
    );
    let renewed = store.regenerate_recovery_codes(&ctx, &codes[3]).await.unwrap();
    assert_eq!(renewed.len(), totp::RECOVERY_CODES);
    assert!(renewed.iter().all(|c| !codes.contains(c)));
    assert!(refused(login(&store, &codes[4]).await), "the old codes are replaced");
    login(&store, &renewed[0]).await.unwrap();
    assert_eq!(
        store.second_factor(&ctx).await.unwrap(),
        SecondFactor::On { recovery_codes_left: 9 }
    );

    // Whoever lost the phone turns the factor off with a recovery code; the codes go with it.
    store.disable_second_factor(&ctx, &renewed[1]).await.unwrap();
    assert_eq!(store.second_factor(&ctx).await.unwrap(), SecondFactor::Off);
    assert_eq!(count(&store, "SELECT COUNT(*) AS n FROM recovery_codes").await, 0);
    assert!(matches!(
        store.regenerate_recovery_codes(&ctx, &renewed[2]).await,
        Err(StoreError::Conflict {
            code: "second_factor_off",
            ..
        })
    ));

    // Every use and every change is journaled: codes[0], codes[1], the race's winner, codes[3], renewed[0]
    // and renewed[1] were used.
    for (action, n) in [
        ("second_factor.recovery_code_used", 6),
        ("second_factor.recovery_codes_regenerated", 1),
        ("second_factor.disabled", 1),
    ] {
        let sql = format!("SELECT COUNT(*) AS n FROM events WHERE action = '{action}'");
        assert_eq!(count(&store, &sql).await, n, "{action}");
    }
}

#[tokio::test]
async fn recovery_codes_on_sqlite() {
    recovery_codes(sqlite_demo().await).await;
}

#[tokio::test]
async fn recovery_codes_on_postgres() {
    recovery_codes(postgres_demo().await).await;
}
