//! What waits for the visitor's organisations, counted by kind: the home lists it, the menu shows the same
//! counts beside the entries where the work is done.
//!
//! Counting runs the to-do list's queries, too much for every page: each user's counts are kept for
//! [`KEPT_FOR`]. The home always counts afresh (and refreshes what the menu shows), and a form the user posts
//! drops their counts, so their own actions show at once; what other organisations do shows on the menu
//! within a minute.

use crate::error::ApiError;
use passerelle_store::{AccessContext, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::Date;
use uuid::Uuid;

/// How long the menu's counts are kept before they are counted again.
pub const KEPT_FOR: Duration = Duration::from_secs(60);
/// More users than this kept at once: the oldest counts are forgotten first.
const MOST_USERS: usize = 10_000;

/// One kind of work (`TodoItem::what`), how many, and the earliest date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub what: String,
    pub count: usize,
    pub earliest: Date,
}

/// Each kind's words on the home and the page where the work is done.
pub struct Kind {
    pub label: &'static str,
    /// What the earliest date means for this kind.
    pub since: &'static str,
    pub link: &'static str,
}

/// The AI's requests of a waiver to the 480-hour cap, for the State services: they name no one, so they are not
/// in the to-do list of persons, but wait all the same.
const WAIVER_DECISION: &str = "waiver_decision";
/// Where the State services decide them (the « Partenariats » menu, not « Personnes »).
pub const WAIVERS: &str = "/derogations";

/// The words and the page of each kind of the to-do list.
pub fn kind(what: &str) -> Kind {
    let (label, since, link) = match what {
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
        WAIVER_DECISION => (
            "Dérogations au plafond des 480 heures à décider",
            "La plus ancienne reçue le",
            WAIVERS,
        ),
        _ => ("Autres choses à faire", "La première le", "/parcours"),
    };
    Kind { label, since, link }
}

/// A user's counts and when they were counted.
type Kept = (Instant, Arc<Vec<Count>>);

/// The counts of every signed-in user, kept for [`KEPT_FOR`].
#[derive(Default)]
pub struct WaitingCounts {
    kept: Mutex<HashMap<Uuid, Kept>>,
}

/// How a page wants its counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Those kept, if younger than [`KEPT_FOR`] (the menu of most pages).
    Kept,
    /// Counted now, and kept for the menu of the next pages (the home).
    Afresh,
    /// The user is acting (a form posted): what is kept is forgotten, and what is counted now, before the
    /// action, is not kept.
    Acting,
}

impl WaitingCounts {
    /// The caller's counts. A caller without an account id (a platform administrator's API token) is counted
    /// each time.
    pub async fn of(
        &self,
        store: &Store,
        ctx: &AccessContext,
        freshness: Freshness,
    ) -> Result<Arc<Vec<Count>>, ApiError> {
        let user = ctx.user_id();
        if let Some(user) = user {
            match freshness {
                Freshness::Kept => {
                    if let Some((at, counts)) = self.lock().get(&user)
                        && at.elapsed() < KEPT_FOR
                    {
                        return Ok(counts.clone());
                    }
                }
                Freshness::Acting => {
                    self.lock().remove(&user);
                }
                Freshness::Afresh => {}
            }
        }
        let mut counts: Vec<Count> = store
            .todo_counts(ctx)
            .await?
            .into_iter()
            .map(|(what, count, earliest)| Count { what, count, earliest })
            .collect();
        let waivers = store.waiver_requests(ctx).await?;
        if let Some(earliest) = waivers.iter().map(|r| r.requested_on).min() {
            counts.push(Count {
                what: WAIVER_DECISION.into(),
                count: waivers.len(),
                earliest,
            });
        }
        let counts = Arc::new(counts);
        if let (Some(user), false) = (user, freshness == Freshness::Acting) {
            let mut kept = self.lock();
            if kept.len() >= MOST_USERS {
                kept.retain(|_, (at, _)| at.elapsed() < KEPT_FOR);
                if kept.len() >= MOST_USERS {
                    kept.clear();
                }
            }
            kept.insert(user, (Instant::now(), counts.clone()));
        }
        Ok(counts)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Kept>> {
        // A panic elsewhere while holding the lock leaves the map whole: keep using it.
        self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The menu's counts: how many things wait on each page of the « Personnes » menu.
#[derive(Debug, Clone, Default)]
pub struct MenuCounts {
    by_link: Vec<(&'static str, usize)>,
}

impl MenuCounts {
    pub fn new(counts: &[Count]) -> Self {
        let mut by_link: Vec<(&'static str, usize)> = Vec::new();
        for c in counts {
            let link = kind(&c.what).link;
            match by_link.iter_mut().find(|(l, _)| *l == link) {
                Some((_, n)) => *n += c.count,
                None => by_link.push((link, c.count)),
            }
        }
        Self { by_link }
    }

    /// How many things wait on the page at `link`.
    pub fn on(&self, link: &str) -> usize {
        self.by_link.iter().find(|(l, _)| *l == link).map_or(0, |(_, n)| *n)
    }

    /// How many things wait on the pages of the « Personnes » menu.
    pub fn on_people(&self) -> usize {
        self.by_link.iter().filter(|(l, _)| *l != WAIVERS).map(|(_, n)| n).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn count(what: &str, count: usize) -> Count {
        Count {
            what: what.into(),
            count,
            earliest: date!(2026 - 01 - 05),
        }
    }

    #[test]
    fn the_menu_adds_the_kinds_done_on_the_same_page() {
        let menu = MenuCounts::new(&[
            count("referral_answer", 2),
            count("tripartite_interview", 3),
            count("exit_follow_up", 1),
            count("immersion_signatures", 4),
            count(WAIVER_DECISION, 5),
        ]);
        assert_eq!(menu.on("/prescriptions"), 2);
        assert_eq!(menu.on("/parcours"), 4);
        assert_eq!(menu.on("/immersions"), 4);
        assert_eq!(menu.on("/orientations"), 0);
        assert_eq!(menu.on(WAIVERS), 5);
        assert_eq!(menu.on_people(), 10, "the waivers are not on the « Personnes » menu");
    }
}
