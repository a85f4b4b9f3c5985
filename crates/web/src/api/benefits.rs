//! The benefits simulator over HTTP: the JSON of `passerelle benefits simulate`, in and out (docs/benefits.md).
//!
//! The domain's types carry no OpenAPI description (the domain stays free of utoipa); the schemas below
//! describe the same JSON for the OpenAPI document only, and a test compares their properties with what the
//! route reads and answers (tests/http/benefits.rs).

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiCaller, ApiJson};
use axum::Json;
use axum::http::StatusCode;
use passerelle_domain::benefits::{self, Request};
use serde::Serialize;
use utoipa::ToSchema;

/// The most months one request may simulate, all cases together. Each month answers about 1 kB of
/// explanations: a request of 1 MiB listing 95,000 months would answer 91 MB. Ten thousand months (800 persons
/// over a year) answer about 10 MB in a fraction of a second; larger batches go through the command line.
pub const MAX_MONTHS_PER_REQUEST: usize = 10_000;

/// Simulates the AAH, the majoration pour la vie autonome and the prime d'activité month by month, with the
/// reasons in French; one case or `{"cases": [...]}`, as `passerelle benefits simulate` reads them.
/// A pure computation: nothing is stored.
#[utoipa::path(post, path = "/api/v1/benefits/simulate", tag = "benefits", request_body = BenefitsRequest,
    security(("bearer" = [])),
    responses((status = 200, body = BenefitsResponse)))]
pub async fn simulate(
    ApiCaller(_caller): ApiCaller,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<Json<benefits::Response>> {
    let request = benefits::parse_value(body)?;
    let months = match &request {
        Request::One(case) => case.months.len(),
        Request::Batch(cases) => cases.iter().map(|c| c.months.len()).sum(),
    };
    if months > MAX_MONTHS_PER_REQUEST {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "simulation_too_large",
            format!(
                "La demande simule {months} mois (tous cas confondus) ; l'API en simule {MAX_MONTHS_PER_REQUEST} au \
                 plus par requête : découpez-la, ou utilisez « passerelle benefits simulate »."
            ),
        )
        .on("months"));
    }
    // Microseconds a case, a fraction of a second for the largest request: off the threads serving requests.
    let answer = tokio::task::spawn_blocking(move || benefits::answer(&request))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "benefits simulation panicked");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Erreur interne pendant la simulation.",
            )
        })?;
    Ok(Json(answer?))
}

/// One case, or several under `cases`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum BenefitsRequest {
    One(BenefitsCase),
    Batch(BenefitsBatch),
}

#[derive(Serialize, ToSchema)]
pub struct BenefitsBatch {
    pub cases: Vec<BenefitsCase>,
}

/// A person's situation and the months to simulate. Unknown fields are refused.
#[derive(Serialize, ToSchema)]
pub struct BenefitsCase {
    /// Echoed in a batch's answer.
    #[schema(example = "a")]
    pub id: Option<String>,
    pub person: BenefitsPerson,
    pub household: Option<BenefitsHousehold>,
    /// Earnings by month and kind; months not listed have none. Give at least the three months before the
    /// first simulated month, and the months of year N-2 (the AAH reads them).
    pub earnings: Option<Vec<BenefitsEarning>>,
    /// Months to simulate, `YYYY-MM`, at most 20 years apart.
    #[schema(example = json!(["2025-01", "2025-02"]))]
    pub months: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BenefitsPerson {
    #[schema(example = "1985-05-15", format = Date)]
    pub birth_date: String,
    /// Incapacity rate set by the CDAPH, from 0 to 1 (0.8 for 80 %).
    #[schema(example = 0.8, minimum = 0, maximum = 1)]
    pub incapacity_rate: f64,
    /// Restriction substantielle et durable pour l'accès à l'emploi (false when absent).
    pub rsdae: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct BenefitsHousehold {
    pub couple: Option<bool>,
    /// Dependent children, 0 to 20.
    #[schema(maximum = 20)]
    pub children: Option<u32>,
    /// Dependent ascendants, 0 to 20 (0 when absent): with the children, each raises the cap of AAH + ESAT pay
    /// by 15 % of the gross SMIC (D821-5).
    #[schema(maximum = 20)]
    pub ascendants: Option<u32>,
    /// `tenant` (default), `owner` or `free` (housed free of charge).
    #[schema(example = "tenant")]
    pub housing: Option<String>,
    /// Housing benefit received each month, in euros.
    #[schema(minimum = 0)]
    pub housing_benefit: Option<f64>,
    /// A couple only: the partner's net earnings each month, in euros (0 when absent); they count for the
    /// household's prime d'activité.
    #[schema(minimum = 0)]
    pub partner_earnings: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct BenefitsEarning {
    #[schema(example = "2025-01")]
    pub month: String,
    /// `ordinary` (default) or `esat` (rémunération garantie).
    #[schema(example = "ordinary")]
    pub kind: Option<String>,
    /// Net pay of the month, in euros.
    #[schema(example = 900, minimum = 0)]
    pub net: f64,
    /// Taxable pay of the month, in euros; the net amount when absent.
    #[schema(minimum = 0)]
    pub taxable: Option<f64>,
    /// `esat` only: the gross rémunération garantie of the month, in euros (the D821-5 cap is on gross pay);
    /// estimated from the net pay when absent.
    #[schema(minimum = 0)]
    pub gross: Option<f64>,
    /// `esat` only: the part of the gross rémunération garantie the ESAT finances itself, in euros (the rest is
    /// the State's aide au poste); the D821-10 reduction is read on it. Found from the rule of the aide au poste
    /// (R243-6 CASF, full time) when absent.
    #[schema(minimum = 0)]
    pub esat_part: Option<f64>,
}

/// `{"results": [...]}` for one case, `{"cases": [{"id", "results"}]}` for a batch.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum BenefitsResponse {
    One(BenefitsSimulation),
    Batch(BenefitsCasesAnswer),
}

#[derive(Serialize, ToSchema)]
pub struct BenefitsCasesAnswer {
    pub cases: Vec<BenefitsCaseResult>,
}

#[derive(Serialize, ToSchema)]
pub struct BenefitsCaseResult {
    pub id: Option<String>,
    pub results: Vec<BenefitsMonth>,
}

#[derive(Serialize, ToSchema)]
pub struct BenefitsSimulation {
    pub results: Vec<BenefitsMonth>,
}

/// One month; amounts in euros rounded to the cent.
#[derive(Serialize, ToSchema)]
pub struct BenefitsMonth {
    #[schema(example = "2025-01")]
    pub month: String,
    /// Net earnings of the month, all kinds.
    pub earnings: f64,
    pub aah: f64,
    /// Majoration pour la vie autonome.
    pub mva: f64,
    pub prime_activite: f64,
    /// Earnings + AAH + majoration pour la vie autonome + prime d'activité.
    pub total: f64,
    pub explain: BenefitsExplanation,
}

/// Why each amount is what it is.
#[derive(Serialize, ToSchema)]
pub struct BenefitsExplanation {
    pub aah: AahExplanation,
    pub prime_activite: PrimeActiviteExplanation,
}

#[derive(Serialize, ToSchema)]
pub struct AahExplanation {
    /// `full_rate`, `reduced`, `resources_above_ceiling`, `esat_cap`, `aah_too_young`,
    /// `aah_incapacity_too_low`, `aah_rsdae_missing` or `aah_retirement_age`.
    pub code: String,
    /// `none`, `quarterly` (the previous quarter's net earnings) or `annual` (taxable earnings of year N-2).
    pub assessment: String,
    pub full_rate: f64,
    /// Monthly resources after the reductions.
    pub resources: f64,
    /// Monthly ceiling of resources.
    pub ceiling: f64,
    /// D821-5 limit of the AAH this month, for ESAT workers.
    pub esat_cap: Option<f64>,
    /// Sentences in French.
    pub reasons: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PrimeActiviteExplanation {
    /// `paid`, `no_earnings_in_quarter`, `below_minimum`, `too_young` or `nil`.
    pub code: String,
    /// The three months of the reference quarter.
    pub quarter: Vec<PrimeActiviteMonth>,
    /// Average of the quarter before the 15 € minimum.
    pub average: f64,
    /// Sentences in French.
    pub reasons: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PrimeActiviteMonth {
    pub month: String,
    pub montant_forfaitaire: f64,
    pub bonus: f64,
    /// Earnings, plus the AAH when earnings reach 29 hours of SMIC, plus the partner's earnings.
    pub earned_income: f64,
    /// Earnings, AAH, majoration pour la vie autonome and the partner's earnings.
    pub resources: f64,
    pub housing_flat_rate: f64,
    /// The prime computed for this month alone.
    pub amount: f64,
}

/// The benefits simulator routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new().routes(routes!(simulate))
}
