//! The demo ESAT pathways and immersion (issue 6 part 1): the ESAT du Suzon follows three workers in different
//! situations (double activity, leaving with a convention d'appui, in employment), the ESAT de l'Ouche one
//! whose orientation ends soon; one immersion prescribed by Cap emploi is in progress.

use super::email_of;
use crate::Store;
use crate::infra::error::Result;
use crate::pathways::esat::{NewSupportConvention, NewWorker, SituationChange};
use crate::pathways::immersion::{NewImmersion, NewSignature};
use passerelle_domain::calendar::{add_days, add_years};
use passerelle_domain::pathways::esat::WorkerInput;
use passerelle_domain::pathways::immersion::{ConventionInput, Schedule};
use passerelle_domain::person::PersonInput;
use std::collections::HashMap;
use time::Date;
use time::macros::date;
use uuid::Uuid;

fn situation(code: &str, since: Date) -> SituationChange {
    SituationChange {
        situation: code.into(),
        since: Some(since),
        ..Default::default()
    }
}

/// A worker's record: orientation, contract, project.
fn record(decided_on: Date, valid_until: Date, project: &str) -> WorkerInput {
    WorkerInput {
        orientation_decided_on: Some(decided_on),
        orientation_valid_until: Some(valid_until),
        contract_started_on: Some(add_days(decided_on, 30)),
        professional_project: Some(project.into()),
    }
}

pub(super) async fn load(store: &Store, ids: &HashMap<&str, Uuid>, persons: &HashMap<&str, Uuid>) -> Result<()> {
    let today = crate::infra::clock::now().date();
    let suzon = store.login_context_for(&email_of("esat-suzon")).await?;
    let ouche = store.login_context_for(&email_of("esat-ouche")).await?;
    let cap = store.login_context_for(&email_of("cap-emploi")).await?;
    let operator = store.operator_context("chargement de la démonstration");
    let bakery = store.organisation(&operator, ids["employeur-boulangerie"]).await?;
    let transport = store.organisation(&operator, ids["employeur-transports"]).await?;
    let clinic = store.organisation(&operator, ids["employeur-clinique"]).await?;

    // Two more workers of the ESAT du Suzon, recorded by the ESAT.
    let mut suzon_persons = vec![persons["Arnaud"]];
    for (first, last, birth) in [
        ("Julien", "Masson", date!(1988 - 06 - 21)),
        ("Claire", "Fontaine", date!(1979 - 02 - 11)),
    ] {
        let p = store
            .persons(&suzon)
            .create(
                ids["esat-suzon"],
                PersonInput {
                    first_name: first.into(),
                    last_name: last.into(),
                    birth_date: Some(birth),
                    consent_data_sharing: true,
                    consent_date: Some(date!(2026 - 09 - 01)),
                    commune: Some("Dijon".into()),
                    postal_code: Some("21000".into()),
                    ..Default::default()
                }
                .validate(date!(2026 - 11 - 01))?,
            )
            .await?;
        suzon_persons.push(p.id);
    }
    let esat = store.esat(&suzon);
    let open = |person_id, fields: WorkerInput, start: SituationChange, esat_id| {
        Ok::<_, crate::StoreError>(NewWorker {
            esat_id,
            person_id,
            fields: fields.validate()?,
            situation: start,
        })
    };
    // Mélanie Arnaud: a project in ordinary employment, then double activity at the bakery.
    let w = esat
        .create(
            open(
                suzon_persons[0],
                record(date!(2022 - 05 - 10), date!(2032 - 05 - 09), "Vendeuse en boulangerie"),
                situation("project_in_ordinary_employment", date!(2022 - 06 - 09)),
                ids["esat-suzon"],
            )?,
            None,
        )
        .await?;
    esat.move_to(
        w.summary.id,
        SituationChange {
            esat_minutes: Some(21 * 60),
            employer_minutes: Some(14 * 60),
            employer_name: Some(bakery.name.clone()),
            local_plan: Some("Point mensuel avec la boulangerie ; préparer l'inscription à France Travail.".into()),
            ..situation("double_activity", date!(2026 - 03 - 02))
        },
    )
    .await?;
    // Julien Masson: left for the transport company with a convention d'appui, renewed once.
    let w = esat
        .create(
            open(
                suzon_persons[1],
                record(
                    date!(2020 - 01 - 15),
                    date!(2030 - 01 - 14),
                    "Agent de quai en logistique",
                ),
                situation("project_in_ordinary_employment", date!(2020 - 02 - 14)),
                ids["esat-suzon"],
            )?,
            None,
        )
        .await?;
    let left = date!(2025 - 09 - 01);
    let w = esat
        .move_to(
            w.summary.id,
            SituationChange {
                employer_name: Some(transport.name.clone()),
                ..situation("transition_with_support_convention", left)
            },
        )
        .await?;
    let first = NewSupportConvention {
        employer_name: transport.name.clone(),
        employer_siret: transport.siret.clone(),
        savs_name: Some("SAVS de l'agglomération dijonnaise".into()),
        starts_on: Some(left),
        ends_on: Some(add_days(add_years(left, 1), -1)),
        renewal_of: None,
    };
    let w = esat.add_support_convention(w.summary.id, first.clone()).await?;
    esat.add_support_convention(
        w.summary.id,
        NewSupportConvention {
            starts_on: Some(add_years(left, 1)),
            ends_on: Some(add_days(add_years(left, 2), -1)),
            renewal_of: w.support_conventions.first().map(|c| c.id),
            ..first
        },
    )
    .await?;
    // Claire Fontaine: hired at the clinic, job-retention follow-up.
    let w = esat
        .create(
            open(
                suzon_persons[2],
                record(
                    date!(2019 - 04 - 02),
                    date!(2029 - 04 - 01),
                    "Agente de service hospitalier",
                ),
                situation("project_in_ordinary_employment", date!(2019 - 05 - 02)),
                ids["esat-suzon"],
            )?,
            None,
        )
        .await?;
    esat.move_to(
        w.summary.id,
        SituationChange {
            employer_name: Some(clinic.name.clone()),
            ..situation("job_retention", date!(2026 - 01 - 05))
        },
    )
    .await?;
    // David Caron, at the ESAT de l'Ouche: the orientation ends in three months.
    store
        .esat(&ouche)
        .create(
            open(
                persons["Caron"],
                record(date!(2021 - 02 - 01), add_days(today, 90), "Espaces verts"),
                situation("project_in_ordinary_employment", date!(2021 - 03 - 03)),
                ids["esat-ouche"],
            )?,
            None,
        )
        .await?;

    // An immersion in progress: Mélanie Arnaud at the clinic, prescribed by Cap emploi, supported by the ESAT.
    let immersion = store
        .immersions(&cap)
        .create(
            NewImmersion {
                person_id: suzon_persons[0],
                prescriber_id: ids["cap-emploi"],
                support_structure_id: ids["esat-suzon"],
                fields: ConventionInput {
                    host_name: clinic.name.clone(),
                    host_siret: clinic.siret.clone().unwrap_or_default(),
                    tutor_name: "Nadia Benali".into(),
                    objective: "discover_trade".into(),
                    starts_on: Some(add_days(today, -3)),
                    ends_on: Some(add_days(today, 11)),
                    schedule: Schedule([240, 240, 0, 240, 240, 0, 0]),
                    activities: Some("Découverte du service de restauration des patients.".into()),
                    ..Default::default()
                }
                .validate()?,
                renewal_of: None,
            },
            None,
        )
        .await?;
    let esat_immersions = store.immersions(&suzon);
    esat_immersions.submit(immersion.id).await?;
    let sign = |party: &str, name: &str| NewSignature {
        party: party.into(),
        signer_name: name.into(),
        signed_on: Some(add_days(today, -5)),
    };
    for (party, name) in [
        ("beneficiary", "Mélanie Arnaud"),
        ("host_company", "Nadia Benali"),
        ("support_structure", "ESAT du Suzon"),
    ] {
        esat_immersions.sign(immersion.id, sign(party, name)).await?;
    }
    store
        .immersions(&cap)
        .sign(immersion.id, sign("prescriber", "Cap emploi"))
        .await?;
    Ok(())
}
