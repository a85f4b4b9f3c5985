//! The breadcrumb trail (DSFR « fil d'Ariane ») of a page that sits under a list: each handler builds it from
//! the list the page belongs to and the records above it, named in French (a person's name, a convention's
//! title, never an identifier); `templates/breadcrumb.html`, included once by `base.html`, draws it.

use uuid::Uuid;

/// One step of the trail; the last one, without an address, is the page itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// A trail being built: « Accueil », the list, then the records above the page.
#[derive(Debug, Clone)]
pub struct Crumbs(Vec<Crumb>);

impl Crumbs {
    /// « Accueil » then the list the page belongs to.
    pub fn list(label: &str, href: &str) -> Self {
        Self(vec![crumb("Accueil", "/"), crumb(label, href)])
    }

    /// A record above the page, linked.
    pub fn then(mut self, label: impl Into<String>, href: impl Into<String>) -> Self {
        self.0.push(crumb(label, href));
        self
    }

    /// The trail ends with the page itself (shown with `aria-current="page"`).
    pub fn here(mut self, label: impl Into<String>) -> Vec<Crumb> {
        self.0.push(Crumb {
            label: label.into(),
            href: None,
        });
        self.0
    }

    /// The trail of a person's pages: « Personnes accompagnées » then the person.
    pub fn person(id: Uuid, first_name: &str, last_name: &str) -> Self {
        Self::list("Personnes accompagnées", "/personnes")
            .then(full_name(first_name, last_name), format!("/personnes/{id}"))
    }

    /// The trail of a convention's pages: « Conventions » then the convention's title.
    pub fn agreement(id: Uuid, title: &str) -> Self {
        Self::list("Conventions", "/conventions").then(title, format!("/conventions/{id}"))
    }

    /// The trail of a committee's pages: « Instances » then the committee.
    pub fn committee(id: Uuid, name: &str) -> Self {
        Self::list("Instances", "/instances").then(name, format!("/instances/{id}"))
    }
}

/// « Prénom Nom », as the trail names a person.
pub fn full_name(first_name: &str, last_name: &str) -> String {
    format!("{first_name} {last_name}")
}

fn crumb(label: impl Into<String>, href: impl Into<String>) -> Crumb {
    Crumb {
        label: label.into(),
        href: Some(href.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trail_starts_at_home_and_ends_on_the_page() {
        let id = Uuid::nil();
        let trail = Crumbs::person(id, "Léa", "Martin").here("Modifier la fiche");
        let labels: Vec<_> = trail.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Accueil", "Personnes accompagnées", "Léa Martin", "Modifier la fiche"]
        );
        assert_eq!(trail[2].href.as_deref(), Some(format!("/personnes/{id}").as_str()));
        assert_eq!(trail[3].href, None, "the page itself is not a link");
    }
}
