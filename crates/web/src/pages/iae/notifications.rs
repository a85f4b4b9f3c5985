//! The visitor's notifications, and marking them read.

use crate::pages::kit::{CsrfForm, PageResult, TokenOnly, filters};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use passerelle_store::infra::notifications::Notification;

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    nav: Nav,
    items: Vec<Notification>,
}

pub async fn notifications(State(state): State<AppState>, visitor: Visitor) -> PageResult<NotificationsPage> {
    Ok(NotificationsPage {
        nav: visitor.nav("notifications"),
        items: state.store.notifications(&visitor.ctx).await?,
    })
}

pub async fn read_notifications(State(state): State<AppState>, visitor: Visitor, _: CsrfForm<TokenOnly>) -> PageResult {
    state.store.mark_notifications_read(&visitor.ctx).await?;
    Ok(Redirect::to("/notifications").into_response())
}
