//! Demo governance (issue 7): the CTA of the Dijon employment area, run by the France Travail agency, with
//! its SIAE and the State as members, one meeting held (minutes written, a decision, waiting for the
//! members' validation) and one to come (agenda proposed by an SIAE, invitation to send); and the "inclusion
//! et IAE" commission its minutes go to. The regional agreement's roadmap becomes the CTA's action items.

use crate::Store;
use crate::governance::committees::{NewCommittee, NewMember};
use crate::governance::meetings::{NewDecision, NewMeeting};
use crate::infra::error::Result;
use passerelle_domain::calendar::add_days;
use passerelle_domain::governance::{CommitteeKind, MemberVote};
use std::collections::HashMap;
use uuid::Uuid;

pub(super) async fn load(store: &Store, ids: &HashMap<&str, Uuid>) -> Result<()> {
    let operator = store.operator_context("chargement de la démonstration");
    let today = crate::infra::clock::now().date();
    let member = |key: &str, email: &str, vote, by_right| NewMember {
        organisation_id: ids[key],
        person_name: None,
        email: Some(email.to_owned()),
        vote,
        by_right,
    };
    store
        .create_committee(
            &operator,
            NewCommittee {
                kind: CommitteeKind::InclusionCommission,
                name: "Commission « inclusion et IAE » du comité départemental pour l'emploi de Côte-d'Or".into(),
                department: Some("21".into()),
                region: None,
                frequency: None,
                agenda_notice_days: None,
                secretary_organisation_id: ids["ddets-21"],
                agreement_ids: Vec::new(),
                members: vec![member(
                    "ft-dt21",
                    "ft-dt21@passerelle.test",
                    MemberVote::Deliberative,
                    true,
                )],
            },
            None,
        )
        .await?;
    let steered: Vec<Uuid> = store
        .agreements(&operator)
        .list()
        .await?
        .into_iter()
        .filter(|a| a.kind.code() == "regional")
        .map(|a| a.id)
        .collect();
    let cta = store
        .create_committee(
            &operator,
            NewCommittee {
                kind: CommitteeKind::Cta,
                name: "CTA du bassin d'emploi de Dijon".into(),
                department: Some("21".into()),
                region: None,
                frequency: None,
                agenda_notice_days: None,
                secretary_organisation_id: ids["ft-dijon"],
                agreement_ids: steered,
                members: vec![
                    member("ft-dijon", "ft-dijon@passerelle.test", MemberVote::Deliberative, true),
                    member(
                        "aci-jardins",
                        "aci-jardins@passerelle.test",
                        MemberVote::Deliberative,
                        true,
                    ),
                    member(
                        "ei-recyclage",
                        "ei-recyclage@passerelle.test",
                        MemberVote::Deliberative,
                        true,
                    ),
                    member(
                        "ai-solidarite",
                        "ai-solidarite@passerelle.test",
                        MemberVote::Deliberative,
                        true,
                    ),
                    member("ddets-21", "ddets-21@passerelle.test", MemberVote::Consultative, true),
                    member(
                        "reseau-iae",
                        "reseau-iae@passerelle.test",
                        MemberVote::Consultative,
                        false,
                    ),
                ],
            },
            None,
        )
        .await?;
    let meeting = |held_on| NewMeeting {
        held_on,
        start_time: "09:30".into(),
        end_time: "12:00".into(),
        place: Some("Agence France Travail Dijon Drapeau, salle 2".into()),
        video_link: None,
        extraordinary: false,
        termination_agreement_id: None,
    };
    let past = store
        .create_meeting(&operator, cta.id, meeting(add_days(today, -40)), None)
        .await?;
    store
        .propose_agenda_item(
            &operator,
            past.id,
            ids["ft-dijon"],
            "Bilan des parcours du trimestre",
            None,
        )
        .await?;
    let attendance: Vec<(Uuid, String)> = past
        .members
        .iter()
        .map(|m| (m.id, if m.by_right { "present" } else { "excused" }.to_owned()))
        .collect();
    store.record_attendance(&operator, past.id, &attendance).await?;
    store
        .write_minutes(
            &operator,
            past.id,
            "Bilan du trimestre : 12 entrées en parcours, 3 sorties vers l'emploi durable. Les SIAE signalent des \
             délais de prolongation trop courts.",
            &[NewDecision {
                text: "Organiser une réunion d'information sur les prolongations pour les SIAE".into(),
                owner_organisation_id: ids["ft-dijon"],
                due_on: Some(add_days(today, 30)),
            }],
        )
        .await?;
    let next = store
        .create_meeting(&operator, cta.id, meeting(add_days(today, 20)), None)
        .await?;
    store
        .propose_agenda_item(
            &operator,
            next.id,
            ids["aci-jardins"],
            "Accès des salariés en ACI aux formations POEC",
            None,
        )
        .await?;
    store
        .propose_agenda_item(
            &operator,
            next.id,
            ids["ft-dijon"],
            "Point sur les entretiens tripartites",
            None,
        )
        .await?;
    Ok(())
}
