//! The error answers every operation may give, added to the OpenAPI description once instead of route by
//! route, with the bearer scheme the secured operations name. Applied to the whole description once every
//! route is in it: the routers' paths do not exist yet when `ApiDoc` runs its own modifiers.

use utoipa::Modify;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi, Ref, RefOr, ResponseBuilder, content::Content};

pub struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        for (path, item) in &mut openapi.paths.paths {
            let has_id = path.contains('{');
            let reads = [&mut item.get, &mut item.head];
            let writes = [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
            for operation in reads.into_iter().flatten() {
                describe(operation, has_id, false);
            }
            for operation in writes.into_iter().flatten() {
                describe(operation, has_id, true);
            }
        }
    }
}

/// The codes behind each answer are in `crate::error` and the table of docs/api.md. A route's own answer
/// (one written in its `#[utoipa::path]`, or a 409 whose code it describes) is kept.
fn describe(operation: &mut Operation, has_id: bool, writes: bool) {
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let takes_input = operation.request_body.is_some() || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let json_body = matches!(&operation.request_body, Some(RefOr::T(b)) if b.content.contains_key("application/json"));
    let answers = [
        (
            true,
            "400",
            "Requête illisible : corps, paramètre ou chemin mal formé (`malformed_json`, `invalid_body`, `invalid_query`, `invalid_path`)",
        ),
        (
            secured,
            "401",
            "Non connecté : jeton absent, inconnu ou expiré (`unauthenticated`, `invalid_token`)",
        ),
        (
            secured,
            "403",
            "Connecté, mais l'action n'est pas permise à l'appelant (`forbidden`, `not_a_member`…)",
        ),
        (
            has_id,
            "404",
            "Rien que l'appelant puisse voir n'a cet identifiant (`not_found`)",
        ),
        (
            writes,
            "409",
            "En conflit avec ce qui est enregistré (`already_recorded` : la base a refusé un doublon)",
        ),
        (
            takes_input,
            "422",
            "Donnée refusée par les règles : le code et le champ disent laquelle",
        ),
        // Refused before the handler runs: above the route's body limit, or JSON sent without its content type
        // (found by scripts/schemathesis).
        (
            writes && operation.request_body.is_some(),
            "413",
            "Corps trop grand (`body_too_large`)",
        ),
        (
            json_body,
            "415",
            "Corps sans Content-Type JSON (`unsupported_media_type`)",
        ),
    ];
    for (applies, status, description) in answers {
        if applies {
            operation
                .responses
                .responses
                .entry(status.into())
                .or_insert_with(|| error_answer(description));
        }
    }
}

fn error_answer(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
            )
            .build(),
    )
}
