//! The official list of French departments (INSEE code officiel géographique), overseas included,
//! with the region each belongs to.

use crate::invalid::Invalid;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Department {
    pub code: &'static str,
    pub name: &'static str,
    pub region_code: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
}

/// INSEE regions (COG 2024).
pub const REGIONS: &[Region] = &[
    Region {
        code: "01",
        name: "Guadeloupe",
    },
    Region {
        code: "02",
        name: "Martinique",
    },
    Region {
        code: "03",
        name: "Guyane",
    },
    Region {
        code: "04",
        name: "La Réunion",
    },
    Region {
        code: "06",
        name: "Mayotte",
    },
    Region {
        code: "11",
        name: "Île-de-France",
    },
    Region {
        code: "24",
        name: "Centre-Val de Loire",
    },
    Region {
        code: "27",
        name: "Bourgogne-Franche-Comté",
    },
    Region {
        code: "28",
        name: "Normandie",
    },
    Region {
        code: "32",
        name: "Hauts-de-France",
    },
    Region {
        code: "44",
        name: "Grand Est",
    },
    Region {
        code: "52",
        name: "Pays de la Loire",
    },
    Region {
        code: "53",
        name: "Bretagne",
    },
    Region {
        code: "75",
        name: "Nouvelle-Aquitaine",
    },
    Region {
        code: "76",
        name: "Occitanie",
    },
    Region {
        code: "84",
        name: "Auvergne-Rhône-Alpes",
    },
    Region {
        code: "93",
        name: "Provence-Alpes-Côte d'Azur",
    },
    Region {
        code: "94",
        name: "Corse",
    },
];

macro_rules! departments {
    ($(($code:literal, $name:literal, $region:literal)),* $(,)?) => {
        /// The 101 departments (INSEE COG 2024): 96 in mainland France and Corsica, 5 overseas.
        pub const DEPARTMENTS: &[Department] = &[$(Department { code: $code, name: $name, region_code: $region }),*];
    };
}

departments![
    ("01", "Ain", "84"),
    ("02", "Aisne", "32"),
    ("03", "Allier", "84"),
    ("04", "Alpes-de-Haute-Provence", "93"),
    ("05", "Hautes-Alpes", "93"),
    ("06", "Alpes-Maritimes", "93"),
    ("07", "Ardèche", "84"),
    ("08", "Ardennes", "44"),
    ("09", "Ariège", "76"),
    ("10", "Aube", "44"),
    ("11", "Aude", "76"),
    ("12", "Aveyron", "76"),
    ("13", "Bouches-du-Rhône", "93"),
    ("14", "Calvados", "28"),
    ("15", "Cantal", "84"),
    ("16", "Charente", "75"),
    ("17", "Charente-Maritime", "75"),
    ("18", "Cher", "24"),
    ("19", "Corrèze", "75"),
    ("2A", "Corse-du-Sud", "94"),
    ("2B", "Haute-Corse", "94"),
    ("21", "Côte-d'Or", "27"),
    ("22", "Côtes-d'Armor", "53"),
    ("23", "Creuse", "75"),
    ("24", "Dordogne", "75"),
    ("25", "Doubs", "27"),
    ("26", "Drôme", "84"),
    ("27", "Eure", "28"),
    ("28", "Eure-et-Loir", "24"),
    ("29", "Finistère", "53"),
    ("30", "Gard", "76"),
    ("31", "Haute-Garonne", "76"),
    ("32", "Gers", "76"),
    ("33", "Gironde", "75"),
    ("34", "Hérault", "76"),
    ("35", "Ille-et-Vilaine", "53"),
    ("36", "Indre", "24"),
    ("37", "Indre-et-Loire", "24"),
    ("38", "Isère", "84"),
    ("39", "Jura", "27"),
    ("40", "Landes", "75"),
    ("41", "Loir-et-Cher", "24"),
    ("42", "Loire", "84"),
    ("43", "Haute-Loire", "84"),
    ("44", "Loire-Atlantique", "52"),
    ("45", "Loiret", "24"),
    ("46", "Lot", "76"),
    ("47", "Lot-et-Garonne", "75"),
    ("48", "Lozère", "76"),
    ("49", "Maine-et-Loire", "52"),
    ("50", "Manche", "28"),
    ("51", "Marne", "44"),
    ("52", "Haute-Marne", "44"),
    ("53", "Mayenne", "52"),
    ("54", "Meurthe-et-Moselle", "44"),
    ("55", "Meuse", "44"),
    ("56", "Morbihan", "53"),
    ("57", "Moselle", "44"),
    ("58", "Nièvre", "27"),
    ("59", "Nord", "32"),
    ("60", "Oise", "32"),
    ("61", "Orne", "28"),
    ("62", "Pas-de-Calais", "32"),
    ("63", "Puy-de-Dôme", "84"),
    ("64", "Pyrénées-Atlantiques", "75"),
    ("65", "Hautes-Pyrénées", "76"),
    ("66", "Pyrénées-Orientales", "76"),
    ("67", "Bas-Rhin", "44"),
    ("68", "Haut-Rhin", "44"),
    ("69", "Rhône", "84"),
    ("70", "Haute-Saône", "27"),
    ("71", "Saône-et-Loire", "27"),
    ("72", "Sarthe", "52"),
    ("73", "Savoie", "84"),
    ("74", "Haute-Savoie", "84"),
    ("75", "Paris", "11"),
    ("76", "Seine-Maritime", "28"),
    ("77", "Seine-et-Marne", "11"),
    ("78", "Yvelines", "11"),
    ("79", "Deux-Sèvres", "75"),
    ("80", "Somme", "32"),
    ("81", "Tarn", "76"),
    ("82", "Tarn-et-Garonne", "76"),
    ("83", "Var", "93"),
    ("84", "Vaucluse", "93"),
    ("85", "Vendée", "52"),
    ("86", "Vienne", "75"),
    ("87", "Haute-Vienne", "75"),
    ("88", "Vosges", "44"),
    ("89", "Yonne", "27"),
    ("90", "Territoire de Belfort", "27"),
    ("91", "Essonne", "11"),
    ("92", "Hauts-de-Seine", "11"),
    ("93", "Seine-Saint-Denis", "11"),
    ("94", "Val-de-Marne", "11"),
    ("95", "Val-d'Oise", "11"),
    ("971", "Guadeloupe", "01"),
    ("972", "Martinique", "02"),
    ("973", "Guyane", "03"),
    ("974", "La Réunion", "04"),
    ("976", "Mayotte", "06"),
];

/// Looks a department up by its code (`21`, `2A`, `971`); lower-case `2a` is accepted.
pub fn department(code: &str) -> Result<&'static Department, Invalid> {
    let code = code.trim().to_uppercase();
    DEPARTMENTS.iter().find(|d| d.code == code).ok_or_else(|| {
        Invalid::new(
            "department_unknown",
            format!("« {code} » n'est pas un code de département français (exemples : 21, 2A, 974)."),
        )
        .on("department")
    })
}

pub fn region(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.code == code)
}

/// The department of a French postal code: Corsica's 20xxx splits into 2A/2B, overseas use three digits.
pub fn department_of_postal_code(postal_code: &str) -> Result<&'static Department, Invalid> {
    let pc = postal_code.trim();
    if pc.len() != 5 || !pc.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new(
            "postal_code_invalid",
            format!("Le code postal « {pc} » doit comporter 5 chiffres."),
        )
        .on("postal_code"));
    }
    let code = match &pc[..2] {
        "97" => &pc[..3],
        // 200xx and 201xx are Corse-du-Sud, 202xx and above Haute-Corse.
        "20" => {
            if pc.as_bytes()[2] < b'2' {
                "2A"
            } else {
                "2B"
            }
        }
        two => two,
    };
    department(code).map_err(|_| {
        Invalid::new(
            "postal_code_invalid",
            format!("Le code postal « {pc} » ne correspond à aucun département."),
        )
        .on("postal_code")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_the_official_one() {
        assert_eq!(DEPARTMENTS.len(), 101);
        assert!(DEPARTMENTS.iter().all(|d| region(d.region_code).is_some()));
        assert!(department("20").is_err(), "Corsica has been 2A and 2B since 1976");
        assert_eq!(department("2a").unwrap().name, "Corse-du-Sud");
        assert_eq!(department("975").unwrap_err().code, "department_unknown");
    }

    #[test]
    fn postal_codes() {
        assert_eq!(department_of_postal_code("21000").unwrap().code, "21");
        assert_eq!(department_of_postal_code("20000").unwrap().code, "2A");
        assert_eq!(department_of_postal_code("20200").unwrap().code, "2B");
        assert_eq!(department_of_postal_code("97400").unwrap().code, "974");
        assert_eq!(department_of_postal_code("97600").unwrap().code, "976");
        assert!(department_of_postal_code("2100").is_err());
        assert!(department_of_postal_code("97500").is_err());
    }
}
