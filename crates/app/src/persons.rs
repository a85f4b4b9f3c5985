//! A person's record: the change that the API (`PATCH /api/v1/persons/{id}`) and the edit page both make,
//! written once so that both keep the same rules (the domain's validation, the store's scope and journal).

use crate::{AppError, Clock};
use passerelle_store::person::Person;
use passerelle_store::{AccessContext, Store};
use time::Date;
use uuid::Uuid;

/// A change to a person's record: a field left at `None` keeps its value; `Some(None)` empties an optional one.
#[derive(Debug, Clone, Default)]
pub struct PersonChange {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<Option<Date>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub address_line: Option<Option<String>>,
    pub postal_code: Option<Option<String>>,
    pub commune: Option<Option<String>>,
    pub consent_data_sharing: Option<bool>,
    pub consent_date: Option<Option<Date>>,
}

/// Changes the record of a person the caller sees (any organisation following them may; 404 for anyone
/// else): the change is merged into the record, the whole validated again by the domain, and the store writes
/// it with its `person.updated` event (before and after). Nothing is written when the domain refuses.
pub async fn update_person(
    store: &Store,
    ctx: &AccessContext,
    clock: &dyn Clock,
    id: Uuid,
    change: PersonChange,
) -> Result<Person, AppError> {
    let scope = store.persons(ctx);
    let mut input = scope.get(id).await?.to_input();
    macro_rules! keep_or {
        ($($f:ident),*) => {$( if let Some(v) = change.$f { input.$f = v; } )*};
    }
    keep_or!(
        first_name,
        last_name,
        birth_date,
        email,
        phone,
        address_line,
        postal_code,
        commune,
        consent_data_sharing,
        consent_date
    );
    let fields = input.validate(clock.today())?;
    Ok(scope.update(id, fields).await?)
}
