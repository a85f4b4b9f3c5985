#!/usr/bin/env python3
"""Golden cases for the benefits simulator, answered by OpenFisca-France.

Writes crates/domain/src/benefits/golden/openfisca.json: cases in the input format of
`passerelle benefits simulate`, each with OpenFisca's AAH (`aah`) and prime d'activité (`ppa`, before CRDS)
for every month asked, and the majoration pour la vie autonome (`caah`). With --bench N it instead times OpenFisca on N generated cases x 12 months
(one vectorised simulation) and writes those cases to a JSON file for the Rust side to time on the same input.

Usage (the venv is created on first run):
    scripts/golden/benefits_openfisca.py            # regenerate the golden file
    scripts/golden/benefits_openfisca.py --bench 10000 --out /tmp/bench_cases.json
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

OPENFISCA_FRANCE = "176.1.8"
VENV = os.environ.get("OPENFISCA_VENV", "/tmp/openfisca-venv")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "crates/domain/src/benefits/golden/openfisca.json")

# Inputs are set from FIRST_INPUT (N-2 of the first simulated year) to the last simulated month.
FIRST_INPUT = (2022, 1)
FIRST_MONTH = (2024, 1)
LAST_MONTH = (2026, 12)


def ensure_venv():
    """Re-executes this script inside a venv holding the pinned openfisca-france."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    subprocess.check_call([python, "-m", "pip", "install", "-q", f"openfisca-france=={OPENFISCA_FRANCE}"])
    os.execv(python, [python] + sys.argv)


def month_range(first, last):
    y, m = first
    out = []
    while (y, m) <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


ALL_MONTHS = month_range(FIRST_INPUT, LAST_MONTH)
SIM_MONTHS = month_range(FIRST_MONTH, LAST_MONTH)


def smic_hour(month):
    """Gross hourly SMIC, only to place earnings around the 29 x SMIC threshold."""
    for start, value in [("2026-06", 12.31), ("2026-01", 12.02), ("2024-11", 11.88), ("2024-01", 11.65)]:
        if month >= start:
            return value
    return 11.52


def birth(rng, age, at):
    """A birth date making the person `age` at month `at`, mid-month to keep away from birthdays."""
    y, m = int(at[:4]), int(at[5:7])
    return f"{y - age:04d}-{m:02d}-{rng.randint(5, 25):02d}"


def earning(month, net, taxable_ratio=1.04):
    net = round(net, 2)
    return {"month": month, "kind": "ordinary", "net": net, "taxable": round(net * taxable_ratio, 2)}


def make_case(rng, i, category):
    start = rng.randrange(0, len(SIM_MONTHS) - 11)
    months = SIM_MONTHS[start:start + 12]
    first = months[0]
    history = [m for m in ALL_MONTHS if m < first]
    age = rng.choice([25, 30, 35, 40, 45, 50, 55, 60])
    rate = rng.choice([0.8, 0.85, 0.9])
    rsdae = False
    household = {"couple": False, "children": 0, "housing": "tenant", "housing_benefit": 0}
    if rng.random() < 0.35:
        household["housing"] = rng.choice(["owner", "free"])
    elif rng.random() < 0.3:
        household["housing_benefit"] = rng.choice([40.0, 120.0, 250.0])
    earnings = []
    window = history[-6:] + months

    if category == "no_earnings":
        pass
    elif category == "steady":
        net = rng.uniform(300, 1900)
        earnings = [earning(m, net) for m in window]
    elif category == "start_job":
        begin = rng.randrange(0, 12)
        net = rng.uniform(400, 2000)
        earnings = [earning(m, net) for m in months[begin:]]
    elif category == "stop_job":
        stop = rng.randrange(1, 12)
        net = rng.uniform(400, 2000)
        earnings = [earning(m, net) for m in (history[-30:] + months[:stop])]
    elif category == "threshold_29":
        earnings = []
        for m in window:
            earnings.append(earning(m, 29 * smic_hour(m) + rng.choice([-1.0, -0.01, 0.0, 0.01, 1.0, 5.0])))
    elif category == "high":
        net = rng.uniform(2200, 6000)
        earnings = [earning(m, net) for m in window]
    elif category == "variable":
        earnings = [earning(m, rng.uniform(0, 1600)) for m in window if rng.random() < 0.7]
    elif category == "n_minus_2":
        net = rng.uniform(300, 2500)
        earnings = [earning(m, net) for m in history if rng.random() < 0.8]
    elif category == "rsdae":
        rate = rng.choice([0.5, 0.6, 0.79])
        rsdae = rng.random() < 0.6
        net = rng.uniform(0, 1500)
        earnings = [earning(m, net) for m in window if net > 300]
    elif category == "young":
        age = rng.choice([16, 17, 18, 19, 20])
        net = rng.choice([0, 500, 900])
        earnings = [earning(m, net) for m in window if net]
    elif category == "old":
        age = rng.choice([61, 62, 63, 64, 65, 66, 70])
        rate = rng.choice([0.6, 0.8])
        rsdae = rate < 0.8
        net = rng.choice([0, 600, 1200])
        earnings = [earning(m, net) for m in window if net]
    elif category == "couple":
        household["couple"] = True
        net = rng.choice([0, 500, 1200, 1800])
        earnings = [earning(m, net) for m in window if net]
    elif category == "children":
        household["children"] = 1
        net = rng.choice([0, 500, 1200])
        earnings = [earning(m, net) for m in window if net]
    else:
        raise ValueError(category)
    person = {"birth_date": birth(rng, age, first), "incapacity_rate": rate, "rsdae": rsdae}
    return {"id": f"{category}-{i:03d}", "person": person, "household": household,
            "earnings": [e for e in earnings if e["net"] > 0], "months": months}


CATEGORIES = {
    "no_earnings": 30, "steady": 50, "start_job": 40, "stop_job": 40, "threshold_29": 40, "high": 25,
    "variable": 35, "n_minus_2": 25, "rsdae": 40, "young": 25, "old": 30, "couple": 20,
}
# Not in the golden set: children. OpenFisca grants a lone parent the allocation de soutien familial and counts
# its forfait against the prime d'activité; the simulator does not model family benefits (its AAH matches).


def golden_cases(seed=9):
    rng = random.Random(seed)
    return [make_case(rng, i, c) for c, n in CATEGORIES.items() for i in range(n)]


def bench_cases(n, seed=10):
    rng = random.Random(seed)
    kinds = [c for c in CATEGORIES if c not in ("couple", "children")]
    return [make_case(rng, i, rng.choice(kinds)) for i in range(n)]


def simulate(cases):
    """One vectorised OpenFisca simulation: each case is a household of its own."""
    import numpy as np
    from openfisca_core.simulation_builder import SimulationBuilder
    from openfisca_france import FranceTaxBenefitSystem

    tbs = FranceTaxBenefitSystem()
    individus, familles, foyers, menages = {}, {}, {}, {}
    person_case = []  # (case index, role)
    for i, case in enumerate(cases):
        me = f"p{i}"
        members = [me]
        individus[me] = {"date_naissance": {"ETERNITY": case["person"]["birth_date"]}}
        person_case.append((i, "self"))
        partner = []
        if case["household"]["couple"]:
            partner = [f"c{i}"]
            individus[partner[0]] = {"date_naissance": {"ETERNITY": "1980-06-15"}}
            person_case.append((i, "partner"))
        kids = []
        for k in range(case["household"]["children"]):
            kid = f"k{i}_{k}"
            kids.append(kid)
            individus[kid] = {"date_naissance": {"ETERNITY": "2015-06-15"}}
            person_case.append((i, "child"))
        familles[f"f{i}"] = {"parents": [me] + partner, "enfants": kids}
        foyers[f"ff{i}"] = {"declarants": [me] + partner, "personnes_a_charge": kids}
        menages[f"m{i}"] = {"personne_de_reference": [me], "conjoint": partner, "enfants": kids}
    builder = SimulationBuilder()
    sim = builder.build_from_entities(tbs, {
        "individus": individus, "familles": familles, "foyers_fiscaux": foyers, "menages": menages})

    n_ind = len(person_case)
    is_self = np.array([r == "self" for _, r in person_case])
    rate = np.array([cases[c]["person"]["incapacity_rate"] if r == "self" else 0.0 for c, r in person_case])
    rsdae = np.array([cases[c]["person"]["rsdae"] if r == "self" else False for c, r in person_case])
    statut = {"tenant": "locataire_vide", "owner": "proprietaire", "free": "loge_gratuitement"}
    net = {m: np.zeros(n_ind) for m in ALL_MONTHS}
    taxable = {m: np.zeros(n_ind) for m in ALL_MONTHS}
    index_of_self = {c: j for j, (c, r) in enumerate(person_case) if r == "self"}
    for c, case in enumerate(cases):
        for e in case["earnings"]:
            net[e["month"]][index_of_self[c]] = e["net"]
            taxable[e["month"]][index_of_self[c]] = e["taxable"]
    housing = np.array([statut[c["household"]["housing"]] for c in cases])
    benefit = np.array([float(c["household"]["housing_benefit"]) for c in cases])
    for m in ALL_MONTHS:
        sim.set_input("taux_incapacite", m, rate)
        sim.set_input("aah_restriction_substantielle_durable_acces_emploi", m, rsdae)
        sim.set_input("salaire_net", m, net[m])
        sim.set_input("salaire_imposable", m, taxable[m])
        sim.set_input("statut_occupation_logement", m, housing)
        sim.set_input("aide_logement", m, benefit)
        # The same housing benefit for the majoration pour la vie autonome, not one OpenFisca computes itself.
        sim.set_input("aide_logement_montant", m, benefit)
        # Old-age income (retirement, ASPA) is outside the simulator's input: OpenFisca would otherwise grant
        # the ASPA to every person over 65 and count it against the prime d'activité.
        sim.set_input("aspa", m, np.zeros(len(cases)))
    aah, mva, ppa = {}, {}, {}
    for m in SIM_MONTHS:
        aah[m] = sim.calculate("aah", m)[is_self]
        mva[m] = sim.calculate("caah", m)[is_self]
        ppa[m] = sim.calculate("ppa", m)
    return aah, mva, ppa


def answers(cases, aah, mva, ppa):
    out = []
    for i, case in enumerate(cases):
        expected = [{"month": m, "aah": round(float(aah[m][i]), 2), "mva": round(float(mva[m][i]), 2),
                     "prime_activite": round(float(ppa[m][i]), 2)} for m in case["months"]]
        out.append({"case": case, "expected": expected})
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", type=int, help="time OpenFisca on this many generated cases x 12 months")
    parser.add_argument("--out", help="with --bench: where to write the cases")
    args = parser.parse_args()
    ensure_venv()
    if args.bench:
        cases = bench_cases(args.bench)
        with open(args.out, "w") as f:
            json.dump({"cases": cases}, f)
        started = time.perf_counter()
        simulate(cases)
        elapsed = time.perf_counter() - started
        print(json.dumps({"openfisca_france": OPENFISCA_FRANCE, "cases": len(cases), "months": 12,
                          "seconds": round(elapsed, 3), "cases_per_second": round(len(cases) / elapsed, 1)}))
        return
    cases = golden_cases()
    aah, mva, ppa = simulate(cases)
    os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
    with open(GOLDEN, "w") as f:
        json.dump({"openfisca_france": OPENFISCA_FRANCE, "cases": answers(cases, aah, mva, ppa)}, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases written to {GOLDEN}")


if __name__ == "__main__":
    main()
