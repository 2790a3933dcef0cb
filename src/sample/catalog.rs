//! The service catalogue of the sample organisation: services with their resolve
//! teams and vendors, categories, configuration items (CIs), request items and
//! the title templates that make tickets read like real ones.
//!
//! Titles deliberately include å ä ö, commas and a double quote so that every
//! consumer's CSV quoting and UTF-8 handling is exercised.

use super::org::{
    BACK_OFFICE, BUSINESS_SYSTEMS, CLIENT_DESKTOP, CUSTOMERS, INFRASTRUCTURE, REQUEST_FULFILMENT, VENDOR_ERP,
    VENDOR_NETWORK,
};

/// Ticket categories as written in `tickets.csv`.
pub(crate) const CATEGORIES: &[&str] = &["Hårdvara", "Programvara", "Konto & behörighet", "Nätverk", "Skrivare"];
/// Category indices into [`CATEGORIES`].
pub(crate) const HW: u8 = 0;
pub(crate) const SW: u8 = 1;
pub(crate) const ACC: u8 = 2;
pub(crate) const NET: u8 = 3;
pub(crate) const PRN: u8 = 4;

/// Sentinel team meaning "the customer's own on-site technicians" (see `org::tpp_for`).
pub(crate) const ONSITE: u8 = 255;

/// A service in the catalogue.
pub(crate) struct Service {
    /// Name as written in `tickets.csv`.
    pub name: &'static str,
    /// Relative incident volume.
    pub weight: u32,
    /// 2nd-line team that resolves escalated incidents ([`ONSITE`] allowed).
    pub team: u8,
    /// 3rd-line vendor behind the team, if any.
    pub vendor: Option<u8>,
    /// Chance that the 1st line resolves an incident on this service itself.
    pub ftr: f64,
    /// `(category, title template)`; `{ci}` is replaced by the CI name.
    pub titles: &'static [(u8, &'static str)],
}

/// Services; indices are referenced by [`CIS`] and [`ITEMS`].
#[rustfmt::skip]
pub(crate) const SERVICES: &[Service] = &[
    Service { name: "E-post", weight: 12, team: INFRASTRUCTURE, vendor: None, ftr: 0.94, titles: &[
        (SW, "Outlook startar inte"), (SW, "Kan inte skicka e-post, fastnar i utkorgen"),
        (ACC, "Delad brevlåda saknas i Outlook"), (SW, "Mail not syncing on phone"),
        (ACC, "Kan inte logga in i {ci}"), (SW, "Kalenderinbjudningar försvinner, {ci}")] },
    Service { name: "Ekonomisystem", weight: 9, team: BUSINESS_SYSTEMS, vendor: Some(VENDOR_ERP), ftr: 0.72, titles: &[
        (SW, "Fakturor fastnar i attestflödet i {ci}"), (ACC, "Saknar behörighet i {ci}"),
        (SW, "{ci} är väldigt långsamt"), (SW, "Felmeddelande vid export till bank, {ci}"),
        (SW, "Error when approving invoice in {ci}")] },
    Service { name: "Nätverk", weight: 10, team: INFRASTRUCTURE, vendor: Some(VENDOR_NETWORK), ftr: 0.58, titles: &[
        (NET, "Inget nätverk på kontoret, {ci}"), (NET, "Trådlöst nätverk tappar anslutningen"),
        (NET, "VPN not connecting"), (NET, "Långsamt nätverk, hela våningen"),
        (HW, "Nätverksuttag i rum 214 fungerar inte")] },
    Service { name: "Klient", weight: 22, team: ONSITE, vendor: None, ftr: 0.9, titles: &[
        (HW, "Datorn startar inte"), (HW, "Bildskärmen flimrar"), (SW, "Teams crashes on startup"),
        (SW, "Programmet hänger sig, måste starta om"), (HW, "Tangentbord och mus fungerar inte"),
        (SW, "Uppdatering misslyckades på {ci}")] },
    Service { name: "Skolplattform", weight: 8, team: BUSINESS_SYSTEMS, vendor: None, ftr: 0.85, titles: &[
        (SW, "Elever kan inte logga in i {ci}"), (ACC, "Lärare saknar behörighet i {ci}"),
        (NET, "Chromebooks kommer inte ut på nätet"), (SW, "Närvaro registreras inte, {ci}")] },
    Service { name: "Behörigheter", weight: 14, team: INFRASTRUCTURE, vendor: None, ftr: 0.95, titles: &[
        (ACC, "Lösenord låst, behöver återställning"), (ACC, "Kontot är spärrat"),
        (ACC, "Saknar åtkomst till gemensam mapp"), (ACC, "MFA fungerar inte på ny telefon"),
        (ACC, "Felmeddelande \"Access denied\" vid inloggning")] },
    Service { name: "Utskrift", weight: 10, team: ONSITE, vendor: None, ftr: 0.68, titles: &[
        (PRN, "Skrivaren {ci} skriver inte ut"), (PRN, "Papperstrassel i {ci}"),
        (PRN, "Kan inte lägga till skrivare"), (PRN, "Utskrifter hamnar i fel kö, {ci}"),
        (HW, "Toner slut och felkod på {ci}")] },
    Service { name: "Verksamhetssystem", weight: 9, team: BUSINESS_SYSTEMS, vendor: Some(VENDOR_ERP), ftr: 0.72, titles: &[
        (SW, "{ci} svarar inte"), (ACC, "Ny handläggare saknar roll i {ci}"),
        (SW, "Journalanteckning går inte att spara, {ci}"), (SW, "Rapport i {ci} visar fel siffror")] },
    Service { name: "Telefoni", weight: 6, team: CLIENT_DESKTOP, vendor: None, ftr: 0.85, titles: &[
        (HW, "Mobiltelefonen laddar inte"), (SW, "Kan inte ta emot samtal i växeln, {ci}"),
        (HW, "Headset fungerar inte"), (SW, "Vidarekoppling fungerar inte")] },
];

/// A configuration item: `(name, service index, owning customer, monitored)`.
/// `None` as customer means a shared CI that every customer's users touch.
#[rustfmt::skip]
pub(crate) const CIS: &[(&str, u8, Option<u8>, bool)] = &[
    ("Exchange Online", 0, None, false), ("SRV-MAIL-01", 0, None, true), ("Outlook-klient", 0, None, false),
    ("Visma Proceedo", 1, None, false), ("Raindance", 1, None, false),
    ("SRV-EKO-01", 1, None, true), ("SRV-EKO-02", 1, None, true),
    ("SW-KAV-CORE", 2, Some(0), true), ("SW-STP-CORE", 2, Some(1), true), ("SW-BUR-CORE", 2, Some(2), true),
    ("FW-GEM-01", 2, None, true), ("WLAN-KAV-SKOLA", 2, Some(0), true),
    ("WLAN-STP-KOMMUNHUS", 2, Some(1), true), ("WLAN-BUR-SKOLA", 2, Some(2), true), ("VPN-GEM-01", 2, None, true),
    ("Windows 11-klient", 3, None, false), ("Intune", 3, None, false),
    ("Microsoft 365 Apps", 3, None, false), ("Teams", 3, None, false),
    ("Unikum", 4, None, false), ("Skolon", 4, None, false), ("Chromebook-pool KAV", 4, Some(0), false),
    ("Chromebook-pool STP", 4, Some(1), false), ("Chromebook-pool BUR", 4, Some(2), false),
    ("Active Directory", 5, None, false), ("Entra ID", 5, None, false),
    ("SRV-AD-01", 5, None, true), ("SRV-AD-02", 5, None, true),
    ("PRN-KAV-03", 6, Some(0), false), ("PRN-KAV-11", 6, Some(0), false), ("PRN-STP-12", 6, Some(1), false),
    ("PRN-STP-04", 6, Some(1), false), ("PRN-BUR-07", 6, Some(2), false), ("PRN-BUR-02", 6, Some(2), false),
    ("SRV-PRN-01", 6, None, true),
    ("Lifecare", 7, None, false), ("Procapita", 7, None, false), ("Platina", 7, None, false),
    ("SRV-VS-01", 7, None, true),
    ("Telia Touchpoint", 8, None, false), ("Mobiltelefoner", 8, None, false),
];

/// A request-catalogue item.
pub(crate) struct Item {
    /// Name as written in `request_item`.
    pub name: &'static str,
    /// Charged to the customer (on the price list, or deliberately not: see `priced`).
    pub billable: bool,
    /// False for the few items missing from every price list, so billing has
    /// "unpriced" lines to report as unallocated.
    pub priced: bool,
    /// Fulfilling team when the 1st line cannot do it ([`ONSITE`] allowed).
    pub team: u8,
    /// Chance that the 1st line fulfils it without escalating.
    pub first_line: f64,
    /// Fulfilment time in business days once escalated, `(min, max)`.
    pub days: (f64, f64),
    /// Relative request volume.
    pub weight: u32,
    /// Category index.
    pub category: u8,
    /// Service index.
    pub service: u8,
    /// CI index the request concerns, if any.
    pub ci: Option<u16>,
}

#[rustfmt::skip]
macro_rules! item {
    ($n:expr, $b:expr, $p:expr, $t:expr, $f:expr, $d:expr, $w:expr, $c:expr, $s:expr, $ci:expr) => {
        Item { name: $n, billable: $b, priced: $p, team: $t, first_line: $f, days: $d,
               weight: $w, category: $c, service: $s, ci: $ci }
    };
}

/// Request items. The last three are billable but absent from any price list.
#[rustfmt::skip]
pub(crate) const ITEMS: &[Item] = &[
    item!("Ny dator", true, true, ONSITE, 0.0, (5.0, 20.0), 10, HW, 3, Some(15)),
    item!("Bildskärm", true, true, ONSITE, 0.1, (2.0, 8.0), 8, HW, 3, None),
    item!("Dockningsstation", true, true, ONSITE, 0.1, (2.0, 6.0), 5, HW, 3, None),
    item!("Headset", true, true, REQUEST_FULFILMENT, 0.7, (1.0, 5.0), 6, HW, 8, None),
    item!("Mobiltelefon", true, true, REQUEST_FULFILMENT, 0.0, (3.0, 12.0), 8, HW, 8, Some(40)),
    item!("Licens Office 365", true, true, REQUEST_FULFILMENT, 0.85, (0.5, 3.0), 10, SW, 3, Some(17)),
    item!("Nytt användarkonto", false, true, BACK_OFFICE, 0.97, (0.5, 3.0), 14, ACC, 5, Some(24)),
    item!("Behörighet till gemensam mapp", false, true, BACK_OFFICE, 0.97, (0.3, 2.0), 12, ACC, 5, Some(24)),
    item!("Behörighet ekonomisystem", false, true, BUSINESS_SYSTEMS, 0.45, (1.0, 5.0), 8, ACC, 1, Some(3)),
    item!("Behörighet verksamhetssystem", false, true, BUSINESS_SYSTEMS, 0.4, (1.0, 5.0), 6, ACC, 7, Some(35)),
    item!("Programinstallation", false, true, CLIENT_DESKTOP, 0.65, (1.0, 5.0), 9, SW, 3, Some(16)),
    item!("Delad brevlåda", false, true, INFRASTRUCTURE, 0.8, (0.5, 3.0), 6, ACC, 0, Some(0)),
    item!("Utökad lagringsyta", true, true, INFRASTRUCTURE, 0.0, (2.0, 6.0), 3, SW, 0, Some(0)),
    item!("Konsulttimmar systemförvaltning", true, true, BUSINESS_SYSTEMS, 0.0, (5.0, 20.0), 2, SW, 7, Some(35)),
    item!("Surfplatta, specialmodell", true, false, REQUEST_FULFILMENT, 0.0, (5.0, 20.0), 1, HW, 8, None),
    item!("Projektor till konferensrum", true, false, ONSITE, 0.0, (3.0, 12.0), 1, HW, 3, None),
    item!("Ergonomiskt tangentbord", true, false, ONSITE, 0.0, (2.0, 8.0), 1, HW, 3, None),
];

/// Request titles; `{ci}` is replaced by the item name here. The last one only
/// fits hardware.
pub(crate) const REQUEST_TITLES: &[&str] = &[
    "Beställning: {ci}",
    "{ci} till nyanställd, start måndag",
    "Request: {ci}",
    "{ci} till vikarie, Socialförvaltningen",
    "Beställning av {ci}",
    "{ci} – ersätter trasig",
];

/// Kind of CI, for picking titles that fit it.
pub(crate) fn ci_class(ci: u16) -> usize {
    let name = CIS[ci as usize].0;
    if ["SW-", "FW-", "WLAN-", "VPN-"].iter().any(|p| name.starts_with(p)) {
        0 // network equipment
    } else if name.starts_with("SRV-") {
        1 // server
    } else {
        2 // application or client platform
    }
}

/// Monitoring alert titles per [`ci_class`] (only network gear and servers are monitored).
pub(crate) const EVENT_TITLES: [&[&str]; 3] = [
    &["Interface down on {ci}", "Ping timeout: {ci}", "Hög paketförlust, {ci}"],
    &[
        "CPU-belastning över 90 % på {ci}",
        "Disk nästan full, {ci}",
        "Backup misslyckades för {ci}",
        "Certifikat går snart ut, {ci}",
        "Ping timeout: {ci}",
    ],
    &["Tjänsten svarar långsamt: {ci}"],
];

/// Change titles per [`ci_class`].
pub(crate) const CHANGE_TITLES: [&[&str]; 3] = [
    &["Firmware-uppdatering {ci}", "Ny brandväggsregel för {ci}", "Byte av hårdvara, {ci}"],
    &["Månadspatchning, {ci}", "Utökad kapacitet för {ci}", "Update {ci} to latest release"],
    &["Uppgradering av {ci}", "Update {ci} to latest release", "Ny version av {ci}, ändrad konfiguration"],
];

/// Problem titles.
pub(crate) const PROBLEM_TITLES: &[&str] = &[
    "Återkommande fel på {ci}",
    "Upprepade störningar i {ci}, grundorsak utreds",
    "Recurring outage: {ci}",
    "Kända fel i {ci} efter uppdatering",
];

/// Writes `template` into `out` with `{ci}` replaced; reuses `out`'s allocation.
pub(crate) fn render(out: &mut String, template: &str, ci: &str) {
    out.clear();
    let mut rest = template;
    while let Some(i) = rest.find("{ci}") {
        out.push_str(&rest[..i]);
        out.push_str(ci);
        rest = &rest[i + 4..];
    }
    out.push_str(rest);
}

/// Site codes of the customers, as used in device CI names.
pub(crate) const SITES: [&str; 4] = ["KAV", "STP", "BUR", "GEM"];

/// How the CI of a user-reported incident is recorded.
pub(crate) enum CiChoice {
    /// A catalogued CI of the service.
    Catalogued,
    /// A numbered end-user device `(prefix, digits, devices per customer)`; the
    /// printer numbering includes the named printers of [`CIS`] (e.g. PRN-STP-12).
    Device(&'static str, usize, [u32; 4]),
    /// No CI: a user's own account is not a configuration item.
    Empty,
}

const PC: CiChoice = CiChoice::Device("PC", 4, [1400, 1100, 900, 300]);

/// CI choice for a user incident given a uniform draw `u` in [0, 1). Devices
/// and empty CIs keep unrelated faults from all sharing a few catalogue CIs,
/// which would make every incident look like a recurrence.
pub(crate) fn ci_choice(service: u8, category: u8, u: f64) -> CiChoice {
    match (service, category) {
        (3, HW) => PC,
        (3, SW) | (0, SW) if u < 0.55 => PC,
        (8, HW) => CiChoice::Device("MOB", 4, [700, 550, 450, 150]),
        (6, _) => CiChoice::Device("PRN", 2, [60, 45, 40, 10]),
        (5, ACC) if u < 0.7 => CiChoice::Empty,
        _ => CiChoice::Catalogued,
    }
}

/// CI lookup tables built once per run.
pub(crate) struct Catalog {
    /// CI indices per (service, customer) that users report on (servers are
    /// left to monitoring, problems and changes).
    by_service_customer: Vec<Vec<u16>>,
    /// Incident volume weight per service (index = service).
    pub service_weights: Vec<u32>,
    /// Request volume weight per item (index = item).
    pub item_weights: Vec<u32>,
}

impl Catalog {
    /// Indexes [`CIS`].
    pub(crate) fn new() -> Self {
        let n = CUSTOMERS.len();
        let mut by_service_customer = vec![Vec::new(); SERVICES.len() * n];
        for (i, &(_, svc, owner, _)) in CIS.iter().enumerate() {
            if ci_class(i as u16) == 1 {
                continue;
            }
            for c in 0..n {
                if owner.is_none() || owner == Some(c as u8) {
                    by_service_customer[svc as usize * n + c].push(i as u16);
                }
            }
        }
        Catalog {
            by_service_customer,
            service_weights: SERVICES.iter().map(|s| s.weight).collect(),
            item_weights: ITEMS.iter().map(|i| i.weight).collect(),
        }
    }

    /// CIs of a service that a customer's users can report on (never empty: every
    /// service has at least one shared non-server CI or, for printers, devices).
    pub(crate) fn cis_for(&self, service: u8, customer: u8) -> &[u16] {
        &self.by_service_customer[service as usize * CUSTOMERS.len() + customer as usize]
    }
}
