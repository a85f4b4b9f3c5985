//! `passerelle`: the binary. It ties the commands (`passerelle-cli`) to the web server (`passerelle-web`), the one
//! place where both meet, so that neither depends on the other.

use passerelle_cli::Served;
use passerelle_web::state::AppState;
use std::process::ExitCode;

fn main() -> ExitCode {
    passerelle_cli::main(|served| {
        let Served {
            store,
            dsfr_dir,
            secure_cookies,
            listener,
        } = served;
        Box::pin(passerelle_web::serve(
            AppState {
                store,
                dsfr_dir,
                secure_cookies,
            },
            listener,
        ))
    })
}
