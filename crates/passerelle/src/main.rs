//! `passerelle`: the binary. It ties the commands (`passerelle-cli`) to the web server (`passerelle-web`), the one
//! place where both meet, so that neither depends on the other.

use passerelle_cli::{OperatorOptions, ProConnectOptions, Served};
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
            proconnect,
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
        let proconnect = match proconnect
            .map(|p| proconnect_client(&p, &operator.public_url))
            .transpose()
        {
            Ok(client) => client.map(Arc::new),
            Err(e) => return Box::pin(async move { Err(std::io::Error::other(e)) }),
        };
        Box::pin(passerelle_web::serve(
            AppState {
                store,
                theme: dsfr_dir.map_or(Theme::Neutral, |dir| Theme::Dsfr { dir }),
                secure_cookies,
                operator: Arc::new(operator),
                waiting: Default::default(),
                proconnect,
            },
            listener,
        ))
    })
}

fn proconnect_client(
    options: &ProConnectOptions,
    public_url: &str,
) -> Result<passerelle_web::pages::proconnect::ProConnect, String> {
    passerelle_web::pages::proconnect::client(
        &options.proconnect_issuer,
        &options.proconnect_client_id,
        &options.proconnect_client_secret,
        public_url,
    )
}
