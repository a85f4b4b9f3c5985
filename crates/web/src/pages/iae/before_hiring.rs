//! A person's IAE page while no hiring opened the PASS IAE (or while the birth date the rules need is missing):
//! the pathway so far (diagnoses, prescriptions and their referral sheets), what comes next and who does it,
//! with the link to that step when the visitor may take it. A normal state, answered 200.

use crate::error::ApiError;
use crate::pages::kit::{Crumbs, filters};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use passerelle_domain::pathways::iae::before_hiring::{Actor, Candidacy, NO_HIRING_YET, awaited};
use passerelle_store::pathways::iae::referral::{DiagnosisRecord, Direction, Prescription};
use passerelle_store::person::Person;

/// A step awaited, with the link to it when the visitor may take it.
pub struct Next {
    message: String,
    link: Option<(String, &'static str)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "approval_waiting.html")]
pub struct WaitingPage {
    nav: Nav,
    person: Person,
    /// The page's first words: no hiring yet (none when a hiring is on file).
    headline: Option<&'static str>,
    next: Vec<Next>,
    diagnoses: Vec<DiagnosisRecord>,
    prescriptions: Vec<Prescription>,
    error: Option<String>,
}

/// The page of a person whose approval cannot be shown yet; `hired` says a hiring is on file.
pub async fn waiting_page(
    state: &AppState,
    visitor: &Visitor,
    person: Person,
    hired: bool,
    error: Option<String>,
) -> Result<WaitingPage, ApiError> {
    let store = &state.store;
    let ctx = &visitor.ctx;
    let diagnoses = store.diagnoses(ctx, person.id).await?;
    let prescriptions = store.prescriptions(ctx, Direction::All, Some(person.id)).await?;
    let open: Vec<&Prescription> = prescriptions.iter().filter(|p| !p.status.is_closed()).collect();
    let candidacies: Vec<Candidacy> = open
        .iter()
        .map(|p| Candidacy {
            siae_name: &p.siae_name,
            sent_on: p.created_at.date(),
            status: p.status,
        })
        .collect();
    let mut next = Vec::new();
    for step in awaited(person.birth_date.is_some(), hired, &candidacies) {
        let link = match step.actor {
            // Whoever sees the record may edit it (the API's rule): the visitor is one of its followers.
            Actor::Followers => Some((format!("/personnes/{}/modifier", person.id), "Compléter la fiche")),
            Actor::Prescriber => store.may_prescribe(ctx).await?.then(|| {
                (
                    format!("/personnes/{}/prescrire", person.id),
                    "Prescrire un parcours IAE",
                )
            }),
            Actor::Siae(i) => open.get(i).and_then(|p| {
                let sheet = format!("/prescriptions/{}", p.id);
                if ctx.membership(p.siae_id).is_some() {
                    Some((sheet, "Répondre sur la fiche navette"))
                } else {
                    ctx.membership(p.prescriber_id)
                        .is_some()
                        .then_some((sheet, "Voir la fiche navette"))
                }
            }),
        };
        next.push(Next {
            message: step.message,
            link,
        });
    }
    Ok(WaitingPage {
        nav: visitor
            .nav("personnes")
            .trail(Crumbs::person(person.id, &person.first_name, &person.last_name).here("Parcours IAE")),
        person,
        headline: (!hired).then_some(NO_HIRING_YET),
        next,
        diagnoses,
        prescriptions,
        error,
    })
}
