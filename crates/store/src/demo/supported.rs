//! The demo's supported employment (issue 6): two counsellors of the Côte-d'Or scheme with their working
//! time, and people at each of the four modules.

use super::{DEMO_PASSWORD, DemoAccount, email_of};
use crate::Store;
use crate::auth::NewUser;
use crate::auth::access::MemberRole;
use crate::infra::error::Result;
use crate::pathways::supported::NewEntry;
use passerelle_domain::pathways::supported::{ActivityInput, EntryInput, JobInput};
use passerelle_domain::person::PersonInput;
use std::collections::HashMap;
use time::Date;
use time::macros::date;
use uuid::Uuid;

/// The scheme's counsellors: account key, name, working time in hundredths.
const COUNSELLORS: &[(&str, &str, i64)] = &[
    ("samir.brahimi", "Samir Brahimi", 100),
    ("lucie.masson", "Lucie Masson", 80),
];

/// A person of the scheme: name, counsellor, Cap emploi prescription (else a CDAPH decision), entry date,
/// activities (module, date, minutes, employer), and a job (employer, position, start).
struct DemoFollowed {
    first_name: &'static str,
    last_name: &'static str,
    counsellor: &'static str,
    by_cap_emploi: bool,
    entered_on: Date,
    activities: &'static [(&'static str, Date, i64, Option<&'static str>)],
    job: Option<(&'static str, &'static str, Date)>,
}

const FOLLOWED: &[DemoFollowed] = &[
    DemoFollowed {
        first_name: "Romain",
        last_name: "Gillet",
        counsellor: "samir.brahimi",
        by_cap_emploi: true,
        entered_on: date!(2026 - 02 - 02),
        activities: &[
            ("assessment", date!(2026 - 02 - 02), 90, None),
            ("project", date!(2026 - 03 - 09), 60, None),
            ("job_search", date!(2026 - 04 - 13), 120, Some("Imprimerie Darantière")),
            (
                "in_employment",
                date!(2026 - 06 - 08),
                45,
                Some("Imprimerie Darantière"),
            ),
        ],
        job: Some(("Imprimerie Darantière", "Opérateur de façonnage", date!(2026 - 05 - 18))),
    },
    DemoFollowed {
        first_name: "Nadia",
        last_name: "Benali",
        counsellor: "lucie.masson",
        by_cap_emploi: false,
        entered_on: date!(2026 - 09 - 07),
        activities: &[("assessment", date!(2026 - 09 - 07), 75, None)],
        job: None,
    },
    DemoFollowed {
        first_name: "Thomas",
        last_name: "Girard",
        counsellor: "samir.brahimi",
        by_cap_emploi: false,
        entered_on: date!(2026 - 05 - 04),
        activities: &[
            ("assessment", date!(2026 - 05 - 04), 60, None),
            ("project", date!(2026 - 06 - 15), 90, None),
        ],
        job: None,
    },
    DemoFollowed {
        first_name: "Léa",
        last_name: "Fabre",
        counsellor: "lucie.masson",
        by_cap_emploi: true,
        entered_on: date!(2026 - 03 - 02),
        activities: &[
            ("assessment", date!(2026 - 03 - 02), 60, None),
            ("project", date!(2026 - 04 - 06), 60, None),
            ("job_search", date!(2026 - 06 - 01), 90, Some("Pharmacie du Drapeau")),
        ],
        job: None,
    },
];

/// The counsellors' accounts, as `passerelle demo --print-accounts` prints them.
pub(super) fn accounts(scheme_name: &str) -> Vec<DemoAccount> {
    COUNSELLORS
        .iter()
        .map(|(key, _, _)| DemoAccount {
            email: email_of(key),
            password: DEMO_PASSWORD.into(),
            organisation: scheme_name.into(),
            kind: "supported_employment".into(),
        })
        .collect()
}

pub(super) async fn load(store: &Store, ids: &HashMap<&str, Uuid>, persons: &HashMap<&str, Uuid>) -> Result<()> {
    let ctx = store.operator_context("chargement de la démonstration");
    let scheme = ids["dea-21"];
    let coordinator = store.login_context_for(&email_of("dea-21")).await?;
    let mut counsellors = HashMap::new();
    for (key, name, fte) in COUNSELLORS {
        let user = store
            .create_user(
                &ctx,
                NewUser {
                    email: &email_of(key),
                    display_name: name,
                    password: DEMO_PASSWORD,
                    platform_admin: false,
                    memberships: &[(scheme, MemberRole::Member)],
                },
            )
            .await?;
        store.set_counsellor_time(&coordinator, scheme, user, *fte).await?;
        counsellors.insert(*key, store.login_context_for(&email_of(key)).await?);
    }
    for f in FOLLOWED {
        let person = match persons.get(f.last_name) {
            Some(id) => *id,
            None => {
                let p = store
                    .persons(&coordinator)
                    .create(
                        scheme,
                        PersonInput {
                            first_name: f.first_name.into(),
                            last_name: f.last_name.into(),
                            consent_data_sharing: true,
                            consent_date: Some(f.entered_on),
                            commune: Some("Dijon".into()),
                            postal_code: Some("21000".into()),
                            ..Default::default()
                        }
                        .validate(f.entered_on)?,
                    )
                    .await?;
                // The prescriber follows the person it prescribed.
                if f.by_cap_emploi {
                    store
                        .persons(&coordinator)
                        .add_follower(p.id, ids["cap-emploi"])
                        .await?;
                }
                p.id
            }
        };
        let counsellor = &counsellors[f.counsellor];
        let input = if f.by_cap_emploi {
            EntryInput {
                route: "spe".into(),
                entered_on: Some(f.entered_on),
                prescribed_on: Some(f.entered_on),
                ..Default::default()
            }
        } else {
            EntryInput {
                route: "cdaph".into(),
                entered_on: Some(f.entered_on),
                decided_on: Some(date!(2025 - 12 - 11)),
                valid_until: Some(date!(2030 - 12 - 10)),
                ..Default::default()
            }
        };
        let new = NewEntry {
            scheme_id: scheme,
            counsellor_user_id: counsellor.user_id(),
            prescriber_id: f.by_cap_emploi.then(|| ids["cap-emploi"]),
            input,
        };
        let rec = store.enter_supported(counsellor, person, new, None).await?;
        let entry = rec.entries[0].id;
        store
            .sign_supported_convention(counsellor, entry, f.entered_on, None, None)
            .await?;
        for (module, done_on, minutes, employer) in f.activities {
            if *module == "in_employment"
                && let Some((employer, position, starts_on)) = f.job
            {
                let job = JobInput {
                    employer: employer.into(),
                    position: position.into(),
                    contract: "cdd".into(),
                    starts_on: Some(starts_on),
                    weekly_hours: Some(24),
                    ..Default::default()
                };
                store.add_supported_job(counsellor, entry, &job, None).await?;
            }
            let a = ActivityInput {
                module: module.to_string(),
                done_on: Some(*done_on),
                minutes: Some(*minutes),
                note: None,
                employer: employer.map(Into::into),
            };
            store.add_supported_activity(counsellor, entry, &a, None).await?;
        }
    }
    Ok(())
}
