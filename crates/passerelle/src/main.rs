//! `passerelle`: the binary. It ties the commands (`passerelle-cli`) to the web server (`passerelle-web`), the one
//! place where both meet, so that neither depends on the other.

use passerelle_cli::{OperatorOptions, Served};
use passerelle_web::state::{AppState, Operator};
use passerelle_web::theme::Theme;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    passerelle_cli::main(|served| {
        let Served {
            store,
            dsfr_dir,
            secure_cookies,
            operator,
            listener,
        } = served;
        let OperatorOptions {
            operator_name,
            operator_address,
            publication_director,
            contact_email,
            hosting,
            source_url,
            public_url,
        } = operator;
        let operator = Operator {
            name: operator_name,
            address: operator_address,
            publication_director,
            contact_email,
            hosting,
            source_url,
            // The links of e-mails append a path to it.
            public_url: public_url.trim_end_matches('/').to_owned(),
        };
        Box::pin(passerelle_web::serve(
            AppState {
                store,
                theme: dsfr_dir.map_or(Theme::Neutral, |dir| Theme::Dsfr { dir }),
                secure_cookies,
                operator: Arc::new(operator),
                waiting: Default::default(),
            },
            listener,
        ))
    })
}
