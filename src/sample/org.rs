//! The organisation behind the sample data: support teams and their lines,
//! customer organisations with their relative sizes, and the fake people
//! (agents per team, requesters per customer).
//!
//! `TEAMS` is public because the CLI seeds its team table from configuration
//! that mirrors it; everything else is private to the generator.

use super::rng::Rng;
use std::collections::BTreeSet;

/// Support teams as `(name, line, on-site customer)`: line 1 = Service Desk
/// level, 2 = resolve teams, 3 = vendors. The customer is set only for the
/// municipality's own on-site technicians (TPP = teknisk platspersonal).
pub const TEAMS: &[(&str, u8, Option<&str>)] = &[
    ("Service Desk", 1, None),
    ("Back Office", 1, None),
    ("Business Systems", 2, None),
    ("Infrastructure", 2, None),
    ("Client Desktop", 2, None),
    ("Request Fulfilment", 2, None),
    ("TPP KAV", 2, Some("Kävlinge")),
    ("TPP STP", 2, Some("Staffanstorp")),
    ("TPP BUR", 2, Some("Burlöv")),
    ("Vendor ERP", 3, None),
    ("Vendor Network", 3, None),
];

/// The sample organisation's teams as rows of the `team` table, for loading sample data
/// when the configuration names no teams.
pub fn team_rows() -> Vec<crate::model::TeamRow> {
    TEAMS
        .iter()
        .map(|(name, line, customer)| crate::model::TeamRow {
            name: name.to_string(),
            line: Some(*line),
            customer: customer.map(str::to_string),
        })
        .collect()
}

/// Customer organisations as written in `tickets.csv`; "Gemensam" is the shared
/// customer whose costs are split between the three municipalities.
pub const CUSTOMERS: &[&str] = &["Kävlinge", "Staffanstorp", "Burlöv", "Gemensam"];

// Team indices into TEAMS; kept as constants so the process code reads as prose.
pub(crate) const SERVICE_DESK: u8 = 0;
pub(crate) const BACK_OFFICE: u8 = 1;
pub(crate) const BUSINESS_SYSTEMS: u8 = 2;
pub(crate) const INFRASTRUCTURE: u8 = 3;
pub(crate) const CLIENT_DESKTOP: u8 = 4;
pub(crate) const REQUEST_FULFILMENT: u8 = 5;
pub(crate) const VENDOR_ERP: u8 = 9;
pub(crate) const VENDOR_NETWORK: u8 = 10;

/// Index of the shared customer in [`CUSTOMERS`].
pub(crate) const GEMENSAM: u8 = 3;

/// User-ticket volume weights per customer, roughly by municipality population
/// (Kävlinge ≈ 32k, Staffanstorp ≈ 26k, Burlöv ≈ 20k). Gemensam gets only 6 %
/// of user tickets because events, changes and problems on shared
/// infrastructure add to it, for ~11 % overall.
pub(crate) const CUSTOMER_WEIGHTS: [u32; 4] = [37, 31, 26, 6];

/// Agents per team, in TEAMS order; the Service Desk is the largest group.
const AGENTS_PER_TEAM: [usize; 11] = [14, 5, 8, 8, 9, 5, 4, 4, 3, 3, 3];

/// Distinct requesters per customer: "a few hundred" scaled by size.
const REQUESTERS_PER_CUSTOMER: [usize; 4] = [420, 360, 290, 160];

/// Line (1, 2 or 3) of a team index.
pub(crate) fn line(team: u8) -> u8 {
    TEAMS[team as usize].1
}

/// The on-site technician team of a municipality; the shared customer has none,
/// so its on-site work falls to Client Desktop.
pub(crate) fn tpp_for(customer: u8) -> u8 {
    match customer {
        0..=2 => 6 + customer,
        _ => CLIENT_DESKTOP,
    }
}

const FIRST_NAMES: &[&str] = &[
    "Åsa",
    "Anna",
    "Anders",
    "Björn",
    "Birgitta",
    "Carina",
    "Daniel",
    "Elin",
    "Emma",
    "Erik",
    "Eva",
    "Fredrik",
    "Gunnel",
    "Göran",
    "Hanna",
    "Henrik",
    "Ingrid",
    "Jens",
    "Johan",
    "Jonas",
    "Karin",
    "Kerstin",
    "Lars",
    "Lena",
    "Linnéa",
    "Maria",
    "Märta",
    "Magnus",
    "Mats",
    "Mikael",
    "Nils",
    "Olof",
    "Per",
    "Petra",
    "Ragnar",
    "Sara",
    "Sofia",
    "Stefan",
    "Sören",
    "Torbjörn",
    "Ulla",
    "Viktor",
    "Åke",
    "Örjan",
    "Agneta",
    "Bengt",
    "Camilla",
    "David",
    "Ebba",
    "Frida",
    "Gustav",
    "Helén",
    "Ida",
    "Jörgen",
    "Klara",
    "Leif",
    "Malin",
    "Oskar",
    "Rut",
    "Tove",
];

const LAST_NAMES: &[&str] = &[
    "Öberg",
    "Åberg",
    "Andersson",
    "Bäckström",
    "Berglund",
    "Carlsson",
    "Dahlén",
    "Ekström",
    "Eriksson",
    "Fägerström",
    "Forsberg",
    "Göransson",
    "Gustafsson",
    "Hansson",
    "Håkansson",
    "Holm",
    "Isaksson",
    "Jönsson",
    "Johansson",
    "Karlsson",
    "Lindqvist",
    "Lindström",
    "Ljungberg",
    "Löfgren",
    "Magnusson",
    "Månsson",
    "Mattsson",
    "Nilsson",
    "Nordström",
    "Nyström",
    "Olsson",
    "Persson",
    "Pålsson",
    "Rosén",
    "Sandberg",
    "Sjögren",
    "Skoglund",
    "Ström",
    "Svensson",
    "Söderberg",
    "Thörn",
    "Wallin",
    "Wästlund",
    "Åkesson",
    "Ängström",
    "Ohlsson",
    "Lundgren",
    "Mårtensson",
    "Bengtsson",
    "Hellström",
    "Strömberg",
    "Lövgren",
    "Björk",
    "Falk",
    "Grön",
    "Hjälm",
    "Kvist",
    "Lind",
    "Sjöholm",
    "Östlund",
];

/// Fake people. Names come from a fixed internal seed, not the spec's seed, so
/// the same person names appear in every generated data set (handy when
/// comparing runs or writing documentation).
pub(crate) struct People {
    agents: Vec<String>,
    team_first: [usize; 11],
    requesters: [Vec<String>; 4],
}

impl People {
    /// Builds all distinct names once per generation run.
    pub(crate) fn new() -> Self {
        let mut rng = Rng::new(0x0A6E_7700_5A3E_0001);
        let mut seen = BTreeSet::new();
        let mut draw = |n: usize, rng: &mut Rng| -> Vec<String> {
            let mut out = Vec::with_capacity(n);
            while out.len() < n {
                let first = FIRST_NAMES[rng.index(FIRST_NAMES.len())];
                let last = LAST_NAMES[rng.index(LAST_NAMES.len())];
                let name = if rng.chance(0.06) {
                    let second = FIRST_NAMES[rng.index(FIRST_NAMES.len())];
                    format!("{first}-{second} {last}")
                } else {
                    format!("{first} {last}")
                };
                if seen.insert(name.clone()) {
                    out.push(name);
                }
            }
            out
        };
        let mut agents = Vec::new();
        let mut team_first = [0usize; 11];
        for (t, &n) in AGENTS_PER_TEAM.iter().enumerate() {
            team_first[t] = agents.len();
            agents.extend(draw(n, &mut rng));
        }
        let requesters = REQUESTERS_PER_CUSTOMER.map(|n| draw(n, &mut rng));
        People { agents, team_first, requesters }
    }

    /// A random agent id of a team, stable for as long as the team holds a ticket.
    pub(crate) fn pick_agent(&self, team: u8, rng: &mut Rng) -> u16 {
        let t = team as usize;
        (self.team_first[t] + rng.index(AGENTS_PER_TEAM[t])) as u16
    }

    /// Name of an agent id.
    pub(crate) fn agent(&self, id: u16) -> &str {
        &self.agents[id as usize]
    }

    /// A requester index of a customer, skewed so some people report much more
    /// than others (squared uniform puts a quarter of tickets on 6 % of people).
    pub(crate) fn pick_requester(&self, customer: u8, rng: &mut Rng) -> u32 {
        let n = self.requesters[customer as usize].len();
        let u = rng.f64();
        ((u * u * n as f64) as usize).min(n - 1) as u32
    }

    /// Name of a requester of a customer.
    pub(crate) fn requester(&self, customer: u8, id: u32) -> &str {
        &self.requesters[customer as usize][id as usize]
    }
}
