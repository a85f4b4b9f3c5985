//! The home page: what the visitor's organisations have to do today, each kind with its count, its earliest
//! date and the page where it is done; then where to find the rest.

use super::kit::{PageResult, filters};
use super::session::{Nav, Visitor};
use super::waiting::{Kind, kind};
use askama::Template;
use askama_web::WebTemplate;
use passerelle_store::Membership;
use time::Date;

/// One kind of work waiting, as the home shows it: its words and page, how many, the earliest date.
struct Waiting {
    kind: Kind,
    count: usize,
    earliest: Date,
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

pub async fn home(visitor: Visitor) -> PageResult<Home> {
    // The visitor's counts were counted afresh for this page (`session::freshness`): the menu shows the same.
    let mut waiting: Vec<Waiting> = visitor
        .waiting
        .iter()
        .map(|c| Waiting {
            kind: kind(&c.what),
            count: c.count,
            earliest: c.earliest,
        })
        .collect();
    waiting.sort_by_key(|w| w.earliest);
    Ok(Home {
        nav: visitor.nav("accueil"),
        display_name: visitor.ctx.display_name().to_owned(),
        memberships: visitor.ctx.memberships().to_vec(),
        waiting,
        unread: visitor.unread,
        spe_sharing: visitor.ctx.spe_sharing_organisations().next().is_some(),
    })
}
