//! The home page: what the visitor's organisations have to do today, each kind with its count, its earliest
//! date and the page where it is done; then where to find the rest.

use super::kit::{PageResult, filters};
use super::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use passerelle_store::Membership;
use time::Date;

/// One kind of work waiting, as the home shows it.
struct Waiting {
    label: &'static str,
    count: usize,
    earliest: Date,
    /// What the earliest date means for this kind.
    since: &'static str,
    link: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct Home {
    nav: Nav,
    display_name: String,
    memberships: Vec<Membership>,
    waiting: Vec<Waiting>,
    unread: i64,
    /// The visitor is of the SPE or a Team TH: the ESAT workers followed with them (seed 000, question 11).
    spe_sharing: bool,
}

/// The words and the page of each kind of the to-do list (`TodoItem::what`).
fn kind(what: &str) -> (&'static str, &'static str, &'static str) {
    match what {
        "referral_answer" => ("Candidatures à traiter", "La plus ancienne reçue le", "/prescriptions"),
        "orientation_answer" => ("Orientations à traiter", "La plus ancienne reçue le", "/orientations"),
        "tripartite_interview" => (
            "Entretiens tripartites à tenir",
            "Le premier au plus tard le",
            "/parcours",
        ),
        "prolongation_decision" => ("Demandes de prolongation à décider", "La plus ancienne du", "/parcours"),
        "agrement_decision" => ("Agréments à décider", "Le premier au plus tard le", "/parcours"),
        "exit_follow_up" => ("Suivis à 6 mois d'une sortie", "Le premier dû le", "/parcours"),
        "immersion_signatures" => ("Immersions à signer", "La première commence le", "/immersions"),
        "immersion_assessment" => ("Bilans d'immersion à faire", "La première a fini le", "/immersions"),
        "esat_orientation_renewal" => ("Orientations en ESAT à renouveler", "La première finit le", "/esat"),
        _ => ("Autres choses à faire", "La première le", "/parcours"),
    }
}

pub async fn home(State(state): State<AppState>, visitor: Visitor) -> PageResult<Home> {
    let mut waiting: Vec<Waiting> = state
        .store
        .todo_counts(&visitor.ctx)
        .await?
        .into_iter()
        .map(|(what, count, earliest)| {
            let (label, since, link) = kind(&what);
            Waiting {
                label,
                count,
                earliest,
                since,
                link,
            }
        })
        .collect();
    // The State services' decisions name no one, so they are not in the to-do list of persons.
    let requests = state.store.waiver_requests(&visitor.ctx).await?;
    if let Some(earliest) = requests.iter().map(|r| r.requested_on).min() {
        waiting.push(Waiting {
            label: "Dérogations au plafond des 480 heures à décider",
            count: requests.len(),
            earliest,
            since: "La plus ancienne reçue le",
            link: "/derogations",
        });
    }
    waiting.sort_by_key(|w| w.earliest);
    Ok(Home {
        nav: visitor.nav("accueil"),
        display_name: visitor.ctx.display_name().to_owned(),
        memberships: visitor.ctx.memberships().to_vec(),
        waiting,
        unread: state.store.unread_notifications(&visitor.ctx).await?,
        spe_sharing: visitor.ctx.spe_sharing_organisations().next().is_some(),
    })
}
