//! The service catalogue of the sample organisation: services with their resolve
//! teams and vendors, categories ("Huvudkategori/Underkategori"), configuration
//! items (CIs: catalogued ones and numbered end-user devices), the faults users
//! report on each service, request items and the title templates that make
//! tickets read like real ones.
//!
//! The shape is what keeps the repeat-incident rate (same CI and category within
//! 30 days) realistic: most user incidents land on one of thousands of devices
//! or on no CI at all, network and server faults on tens of named devices, and
//! only a small share on the few business systems, spread over subcategories.
//!
//! Titles are Swedish, as the organisation writes them; only the monitoring
//! tool's alerts (events) are English, because the tool writes them. Titles
//! deliberately include å ä ö, commas and a double quote so that every
//! consumer's CSV quoting and UTF-8 handling is exercised.

use super::org::{
    BACK_OFFICE, BUSINESS_SYSTEMS, CLIENT_DESKTOP, CUSTOMERS, INFRASTRUCTURE, REQUEST_FULFILMENT, VENDOR_ERP,
    VENDOR_NETWORK,
};

pub(crate) use super::cis::{Class, CIS};

/// Ticket categories as written in `tickets.csv`: main category / subcategory.
#[rustfmt::skip]
pub(crate) const CATEGORIES: &[&str] = &[
    "Hårdvara/Dator", "Hårdvara/Bildskärm", "Hårdvara/Kringutrustning", "Hårdvara/Mobiltelefon",
    "Programvara/Office", "Programvara/Teams", "Programvara/Uppdatering", "Programvara/Installation",
    "Programvara/Funktionsfel", "Programvara/Prestanda", "Programvara/Integration", "Programvara/Rapporter",
    "Programvara/Licens", "Programvara/Förvaltning",
    "E-post/Outlook", "E-post/Kalender", "E-post/Delad brevlåda", "E-post/Lagring",
    "Konto & behörighet/Konto", "Konto & behörighet/Lösenord", "Konto & behörighet/MFA",
    "Konto & behörighet/Behörighet", "Konto & behörighet/Inloggning", "Konto & behörighet/Synkronisering",
    "Nätverk/Switch", "Nätverk/Trådlöst", "Nätverk/VPN", "Nätverk/Brandvägg", "Nätverk/Uttag",
    "Skrivare/Utskrift", "Skrivare/Papperstrassel", "Skrivare/Toner", "Skrivare/Utskriftskö",
    "Telefoni/Växel", "Telefoni/Samtal",
    "Server/Tillgänglighet", "Server/Kapacitet", "Server/Backup", "Server/Certifikat", "Server/Patchning",
];

// Category indices into CATEGORIES, named so the tables below read as prose.
pub(crate) const HW_PC: u8 = 0;
pub(crate) const HW_SCREEN: u8 = 1;
pub(crate) const HW_PERIPHERAL: u8 = 2;
pub(crate) const HW_MOBILE: u8 = 3;
pub(crate) const SW_OFFICE: u8 = 4;
pub(crate) const SW_TEAMS: u8 = 5;
pub(crate) const SW_UPDATE: u8 = 6;
pub(crate) const SW_INSTALL: u8 = 7;
pub(crate) const SW_FAULT: u8 = 8;
pub(crate) const SW_PERF: u8 = 9;
pub(crate) const SW_INTEGRATION: u8 = 10;
pub(crate) const SW_REPORTS: u8 = 11;
pub(crate) const SW_LICENCE: u8 = 12;
pub(crate) const SW_MAINTENANCE: u8 = 13;
pub(crate) const MAIL_OUTLOOK: u8 = 14;
pub(crate) const MAIL_CALENDAR: u8 = 15;
pub(crate) const MAIL_SHARED: u8 = 16;
pub(crate) const MAIL_STORAGE: u8 = 17;
pub(crate) const ACC_ACCOUNT: u8 = 18;
pub(crate) const ACC_PASSWORD: u8 = 19;
pub(crate) const ACC_MFA: u8 = 20;
pub(crate) const ACC_ACCESS: u8 = 21;
pub(crate) const ACC_LOGIN: u8 = 22;
pub(crate) const ACC_SYNC: u8 = 23;
pub(crate) const NET_SWITCH: u8 = 24;
pub(crate) const NET_WIFI: u8 = 25;
pub(crate) const NET_VPN: u8 = 26;
pub(crate) const NET_FIREWALL: u8 = 27;
pub(crate) const NET_SOCKET: u8 = 28;
pub(crate) const PRN_PRINT: u8 = 29;
pub(crate) const PRN_JAM: u8 = 30;
pub(crate) const PRN_TONER: u8 = 31;
pub(crate) const PRN_QUEUE: u8 = 32;
pub(crate) const TEL_SWITCHBOARD: u8 = 33;
pub(crate) const TEL_CALLS: u8 = 34;
pub(crate) const SRV_AVAILABILITY: u8 = 35;
pub(crate) const SRV_CAPACITY: u8 = 36;
pub(crate) const SRV_BACKUP: u8 = 37;
pub(crate) const SRV_CERTIFICATE: u8 = 38;
pub(crate) const SRV_PATCHING: u8 = 39;

/// True for categories of physical faults (hardware, printers): on-site work.
pub(crate) fn physical(category: u8) -> bool {
    let name = CATEGORIES[category as usize];
    name.starts_with("Hårdvara/") || name.starts_with("Skrivare/")
}

/// Sentinel team meaning "the customer's own on-site technicians" (see `org::tpp_for`).
pub(crate) const ONSITE: u8 = 255;

/// Site codes of the customers, as used in device CI names.
pub(crate) const SITES: [&str; 4] = ["KAV", "STP", "BUR", "GEM"];

/// A population of numbered end-user devices, named `{prefix}-{site}-{number}`.
pub(crate) struct Devices {
    pub prefix: &'static str,
    /// Digits of the zero-padded number.
    pub digits: usize,
    /// Devices per customer (CUSTOMERS order).
    pub per_customer: [u32; 4],
    /// Skew of the fault rate over the devices: the number is drawn as
    /// `u^skew × count`, so with 2 the busiest tenth of the devices (shared
    /// printers, classroom Chromebooks) gets about a third of the faults.
    pub skew: i32,
}

/// Device populations; the printer numbering includes the named printers of [`CIS`].
#[rustfmt::skip]
pub(crate) const DEVICES: [Devices; 4] = [
    Devices { prefix: "PC", digits: 4, per_customer: [1400, 1100, 900, 300], skew: 1 },
    Devices { prefix: "PRN", digits: 3, per_customer: [140, 110, 90, 20], skew: 2 },
    Devices { prefix: "MOB", digits: 4, per_customer: [700, 550, 450, 150], skew: 1 },
    Devices { prefix: "CB", digits: 4, per_customer: [900, 750, 600, 40], skew: 2 },
];
const PC: usize = 0;
const PRN: usize = 1;
const MOB: usize = 2;
const CB: usize = 3;

/// What CI a reported fault is recorded on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum On {
    /// One of the customer's devices of [`DEVICES`]`[i]`.
    Device(usize),
    /// A catalogued CI of the service of this class that the customer uses.
    Named(Class),
    /// No CI: a user's own account is not a configuration item.
    Nothing,
}

/// A kind of fault users report on a service.
pub(crate) struct Fault {
    /// Relative volume among the service's faults; 0 = never reported out of
    /// the blue, only as part of planted structure (problems, clusters).
    pub weight: u32,
    pub category: u8,
    /// Title template; `{ci}` is replaced by the CI name.
    pub title: &'static str,
    pub on: On,
}

const fn f(weight: u32, category: u8, title: &'static str, on: On) -> Fault {
    Fault { weight, category, title, on }
}

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
    /// What users report on the service.
    pub faults: &'static [Fault],
}

use On::{Device, Named, Nothing};

/// Services; indices are referenced by [`CIS`] and [`ITEMS`].
#[rustfmt::skip]
pub(crate) const SERVICES: &[Service] = &[
    Service { name: "E-post", weight: 10, team: INFRASTRUCTURE, vendor: None, ftr: 0.94, faults: &[
        f(4, MAIL_OUTLOOK, "Outlook startar inte", Device(PC)),
        f(3, MAIL_OUTLOOK, "Kan inte skicka e-post, fastnar i utkorgen", Device(PC)),
        f(2, MAIL_OUTLOOK, "E-posten synkar inte i telefonen", Device(MOB)),
        f(3, MAIL_SHARED, "Delad brevlåda saknas i Outlook", Nothing),
        f(1, MAIL_CALENDAR, "Kalenderinbjudningar försvinner", Nothing),
        f(0, MAIL_CALENDAR, "Kalenderinbjudningar försvinner för flera, {ci}", Named(Class::Platform)),
        f(0, MAIL_OUTLOOK, "Fördröjd e-postleverans, {ci}", Named(Class::Platform)),
        f(1, ACC_LOGIN, "Kan inte logga in i webbmejlen", Nothing)] },
    Service { name: "Ekonomisystem", weight: 5, team: BUSINESS_SYSTEMS, vendor: Some(VENDOR_ERP), ftr: 0.72, faults: &[
        f(2, SW_FAULT, "Fakturor fastnar i attestflödet i {ci}", Named(Class::System)),
        f(1, SW_PERF, "{ci} är väldigt långsamt", Named(Class::System)),
        f(1, SW_INTEGRATION, "Felmeddelande vid export till bank, {ci}", Named(Class::System)),
        f(1, SW_REPORTS, "Rapporten i {ci} visar fel belopp", Named(Class::System)),
        f(1, ACC_ACCESS, "Saknar behörighet i {ci}", Named(Class::System)),
        f(3, SW_INSTALL, "Ekonomisystemet startar inte på datorn", Device(PC))] },
    Service { name: "Nätverk", weight: 8, team: INFRASTRUCTURE, vendor: Some(VENDOR_NETWORK), ftr: 0.58, faults: &[
        f(2, NET_SWITCH, "Inget nätverk på kontoret, {ci}", Named(Class::Switch)),
        f(1, NET_SWITCH, "Långsamt nätverk, hela våningen", Named(Class::Switch)),
        f(1, NET_SOCKET, "Nätverksuttag i rum 214 fungerar inte", Named(Class::Switch)),
        f(1, NET_WIFI, "Trådlöst nätverk tappar anslutningen", Named(Class::Wlan)),
        f(3, NET_WIFI, "Datorn hittar inte det trådlösa nätverket", Device(PC)),
        f(4, NET_VPN, "VPN-klienten ansluter inte", Device(PC)),
        f(0, NET_VPN, "Ingen kommer in via VPN hemifrån, {ci}", Named(Class::Vpn)),
        f(1, NET_FIREWALL, "Webbplats blockeras av brandväggen", Nothing),
        f(0, NET_FIREWALL, "Tappar anslutningen till molntjänster, {ci}", Named(Class::Firewall))] },
    Service { name: "Klient", weight: 28, team: ONSITE, vendor: None, ftr: 0.9, faults: &[
        f(4, HW_PC, "Datorn startar inte", Device(PC)),
        f(2, HW_SCREEN, "Bildskärmen flimrar", Device(PC)),
        f(2, HW_PERIPHERAL, "Tangentbord och mus fungerar inte", Device(PC)),
        f(2, HW_PERIPHERAL, "Dockningsstationen känner inte av skärmarna", Device(PC)),
        f(3, SW_TEAMS, "Teams kraschar vid start", Device(PC)),
        f(2, SW_OFFICE, "Excel hänger sig, måste starta om", Device(PC)),
        f(2, SW_UPDATE, "Uppdatering misslyckades på {ci}", Device(PC)),
        f(2, SW_INSTALL, "Programmet går inte att installera från Företagsportalen", Device(PC)),
        f(0, SW_UPDATE, "Datorn startar om i en loop efter uppdateringen", Named(Class::Platform)),
        f(0, SW_UPDATE, "Programmen kraschar efter senaste uppdateringen, {ci}", Named(Class::Platform)),
        f(0, SW_UPDATE, "Ljudet försvann efter uppdateringen", Named(Class::Platform))] },
    Service { name: "Skolplattform", weight: 6, team: BUSINESS_SYSTEMS, vendor: None, ftr: 0.85, faults: &[
        f(3, ACC_LOGIN, "Elev kan inte logga in på Chromebook", Device(CB)),
        f(2, NET_WIFI, "Chromebook kommer inte ut på nätet", Device(CB)),
        f(1, ACC_LOGIN, "Elever kan inte logga in i {ci}", Named(Class::System)),
        f(1, ACC_ACCESS, "Lärare saknar behörighet i {ci}", Named(Class::System)),
        f(1, SW_FAULT, "Närvaro registreras inte, {ci}", Named(Class::System)),
        f(1, SW_INTEGRATION, "Schemat synkas inte till {ci}", Named(Class::System))] },
    Service { name: "Behörigheter", weight: 14, team: INFRASTRUCTURE, vendor: None, ftr: 0.95, faults: &[
        f(5, ACC_PASSWORD, "Lösenord låst, behöver återställning", Nothing),
        f(3, ACC_PASSWORD, "Kontot är spärrat", Nothing),
        f(3, ACC_ACCESS, "Saknar åtkomst till gemensam mapp", Nothing),
        f(3, ACC_MFA, "MFA fungerar inte på ny telefon", Device(MOB)),
        f(2, ACC_LOGIN, "Felmeddelande \"Access denied\" vid inloggning", Device(PC)),
        f(0, ACC_SYNC, "Ändrad behörighet slår inte igenom i {ci}", Named(Class::Platform)),
        f(0, ACC_LOGIN, "Inloggningen tar flera minuter, {ci}", Named(Class::Platform))] },
    Service { name: "Utskrift", weight: 10, team: ONSITE, vendor: None, ftr: 0.68, faults: &[
        f(4, PRN_PRINT, "Skrivaren {ci} skriver inte ut", Device(PRN)),
        f(3, PRN_JAM, "Papperstrassel i {ci}", Device(PRN)),
        f(2, PRN_QUEUE, "Kan inte lägga till skrivare", Device(PC)),
        f(1, PRN_QUEUE, "Utskrifter hamnar i fel kö, {ci}", Device(PRN)),
        f(2, PRN_TONER, "Toner slut och felkod på {ci}", Device(PRN)),
        f(0, PRN_PRINT, "Skrivaren {ci} skriver inte ut", Named(Class::Printer)),
        f(0, PRN_JAM, "Papperstrassel i {ci} igen", Named(Class::Printer))] },
    Service { name: "Verksamhetssystem", weight: 7, team: BUSINESS_SYSTEMS, vendor: Some(VENDOR_ERP), ftr: 0.72, faults: &[
        f(2, SW_FAULT, "{ci} svarar inte", Named(Class::System)),
        f(1, ACC_ACCESS, "Ny handläggare saknar roll i {ci}", Named(Class::System)),
        f(1, SW_FAULT, "Journalanteckning går inte att spara, {ci}", Named(Class::System)),
        f(1, SW_REPORTS, "Rapport i {ci} visar fel siffror", Named(Class::System)),
        f(1, SW_INTEGRATION, "Beslut förs inte över till ekonomisystemet, {ci}", Named(Class::System)),
        f(1, SW_PERF, "{ci} är långsamt vid sökning", Named(Class::System)),
        f(3, SW_INSTALL, "Verksamhetssystemet startar inte på datorn", Device(PC))] },
    Service { name: "Telefoni", weight: 6, team: CLIENT_DESKTOP, vendor: None, ftr: 0.85, faults: &[
        f(3, HW_MOBILE, "Mobiltelefonen laddar inte", Device(MOB)),
        f(2, HW_MOBILE, "Skärmen på mobilen är sprucken", Device(MOB)),
        f(2, TEL_CALLS, "Kan inte ta emot samtal i växeln", Device(MOB)),
        f(2, HW_PERIPHERAL, "Headset fungerar inte", Device(PC)),
        f(1, TEL_SWITCHBOARD, "Vidarekoppling fungerar inte", Device(MOB)),
        f(0, TEL_SWITCHBOARD, "Samtal till växeln bryts, {ci}", Named(Class::Platform)),
        f(0, TEL_SWITCHBOARD, "Köerna i växeln visar fel status", Named(Class::Platform))] },
];

/// Faults planted on servers (problems, monitoring, changes); users do not
/// report on servers by name.
#[rustfmt::skip]
pub(crate) const SERVER_FAULTS: &[Fault] = &[
    f(0, SRV_AVAILABILITY, "Tjänsten på {ci} svarar inte", Named(Class::Server)),
    f(0, SRV_CAPACITY, "Långa svarstider mot {ci}", Named(Class::Server)),
    f(0, SRV_CAPACITY, "Disken är full på {ci}", Named(Class::Server)),
];

/// The faults that can be recorded on catalogued CI `ci`: those of its service
/// naming its class (servers: [`SERVER_FAULTS`]). Never empty (tested).
pub(crate) fn faults_on(ci: u16) -> impl Iterator<Item = &'static Fault> + Clone {
    let c = &CIS[ci as usize];
    let faults = if c.class == Class::Server { SERVER_FAULTS } else { SERVICES[c.service as usize].faults };
    faults.iter().filter(move |f| f.on == Named(c.class))
}

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
    /// Name of the catalogued CI the request concerns, if any.
    pub ci: Option<&'static str>,
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
    item!("Ny dator", true, true, ONSITE, 0.0, (5.0, 20.0), 10, HW_PC, 3, Some("Intune")),
    item!("Bildskärm", true, true, ONSITE, 0.1, (2.0, 8.0), 8, HW_SCREEN, 3, None),
    item!("Dockningsstation", true, true, ONSITE, 0.1, (2.0, 6.0), 5, HW_PERIPHERAL, 3, None),
    item!("Headset", true, true, REQUEST_FULFILMENT, 0.7, (1.0, 5.0), 6, HW_PERIPHERAL, 8, None),
    item!("Mobiltelefon", true, true, REQUEST_FULFILMENT, 0.0, (3.0, 12.0), 8, HW_MOBILE, 8, Some("Telia Touchpoint")),
    item!("Licens Office 365", true, true, REQUEST_FULFILMENT, 0.85, (0.5, 3.0), 10, SW_LICENCE, 3, Some("Intune")),
    item!("Nytt användarkonto", false, true, BACK_OFFICE, 0.97, (0.5, 3.0), 14, ACC_ACCOUNT, 5, Some("Active Directory")),
    item!("Behörighet till gemensam mapp", false, true, BACK_OFFICE, 0.97, (0.3, 2.0), 12, ACC_ACCESS, 5, Some("Active Directory")),
    item!("Behörighet ekonomisystem", false, true, BUSINESS_SYSTEMS, 0.45, (1.0, 5.0), 8, ACC_ACCESS, 1, Some("Raindance")),
    item!("Behörighet verksamhetssystem", false, true, BUSINESS_SYSTEMS, 0.4, (1.0, 5.0), 6, ACC_ACCESS, 7, Some("Visma Personec")),
    item!("Programinstallation", false, true, CLIENT_DESKTOP, 0.65, (1.0, 5.0), 9, SW_INSTALL, 3, Some("Intune")),
    item!("Delad brevlåda", false, true, INFRASTRUCTURE, 0.8, (0.5, 3.0), 6, MAIL_SHARED, 0, Some("Exchange Online")),
    item!("Utökad lagringsyta", true, true, INFRASTRUCTURE, 0.0, (2.0, 6.0), 3, MAIL_STORAGE, 0, Some("Exchange Online")),
    item!("Konsulttimmar systemförvaltning", true, true, BUSINESS_SYSTEMS, 0.0, (5.0, 20.0), 2, SW_MAINTENANCE, 7, Some("Visma Personec")),
    item!("Surfplatta, specialmodell", true, false, REQUEST_FULFILMENT, 0.0, (5.0, 20.0), 1, HW_MOBILE, 8, None),
    item!("Projektor till konferensrum", true, false, ONSITE, 0.0, (3.0, 12.0), 1, HW_PERIPHERAL, 3, None),
    item!("Ergonomiskt tangentbord", true, false, ONSITE, 0.0, (2.0, 8.0), 1, HW_PERIPHERAL, 3, None),
];

/// Request titles; `{ci}` is replaced by the item name here. The last one only
/// fits hardware.
pub(crate) const REQUEST_TITLES: &[&str] = &[
    "Beställning: {ci}",
    "{ci} till nyanställd, start måndag",
    "Beställning via portalen: {ci}",
    "{ci} till vikarie, Socialförvaltningen",
    "Beställning av {ci}",
    "{ci} – ersätter trasig",
];

/// Title group of a catalogued CI: 0 network equipment, 1 server, 2 anything else.
pub(crate) fn group(ci: u16) -> usize {
    match CIS[ci as usize].class {
        Class::Switch | Class::Wlan | Class::Firewall | Class::Vpn => 0,
        Class::Server => 1,
        _ => 2,
    }
}

/// The category a CI's own class implies (network gear, servers, platforms).
pub(crate) fn class_category(ci: u16) -> u8 {
    match CIS[ci as usize].class {
        Class::Switch => NET_SWITCH,
        Class::Wlan => NET_WIFI,
        Class::Firewall => NET_FIREWALL,
        Class::Vpn => NET_VPN,
        Class::Server => SRV_AVAILABILITY,
        Class::Printer => PRN_PRINT,
        Class::System | Class::Platform => SW_FAULT,
    }
}

/// Marks a title's category as "the CI's class category" ([`class_category`]).
pub(crate) const BY_CLASS: u8 = u8::MAX;

/// Monitoring alert titles per [`group`], with their category. The monitoring
/// tool writes English; only network gear and servers are monitored.
#[rustfmt::skip]
pub(crate) const EVENT_TITLES: [&[(u8, &str)]; 3] = [
    &[(BY_CLASS, "Interface down on {ci}"), (BY_CLASS, "Ping timeout: {ci}"), (BY_CLASS, "High packet loss on {ci}")],
    &[
        (SRV_CAPACITY, "CPU load above 90 % on {ci}"),
        (SRV_CAPACITY, "Disk almost full on {ci}"),
        (SRV_BACKUP, "Backup failed for {ci}"),
        (SRV_CERTIFICATE, "Certificate expires soon on {ci}"),
        (SRV_AVAILABILITY, "Ping timeout: {ci}"),
    ],
    &[(BY_CLASS, "Service responding slowly: {ci}")],
];

/// Change titles per [`group`], with their category.
#[rustfmt::skip]
pub(crate) const CHANGE_TITLES: [&[(u8, &str)]; 3] = [
    &[(BY_CLASS, "Firmware-uppdatering {ci}"), (BY_CLASS, "Ny VLAN-konfiguration på {ci}"), (BY_CLASS, "Byte av hårdvara, {ci}")],
    &[(SRV_PATCHING, "Månadspatchning, {ci}"), (SRV_CAPACITY, "Utökad kapacitet för {ci}"), (SW_UPDATE, "Uppdatera {ci} till senaste version")],
    &[(SW_UPDATE, "Uppgradering av {ci}"), (SW_UPDATE, "Uppdatera {ci} till senaste version"), (SW_UPDATE, "Ny version av {ci}, ändrad konfiguration")],
];

/// Problem titles.
pub(crate) const PROBLEM_TITLES: &[&str] = &[
    "Återkommande fel på {ci}",
    "Upprepade störningar i {ci}, grundorsak utreds",
    "Återkommande avbrott: {ci}",
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

/// Number of [`Class`] values.
const CLASSES: usize = 8;

/// Lookup tables built once per run.
pub(crate) struct Catalog {
    /// CI indices per (service, class, customer) that the customer's users
    /// report on: the customer's own and the shared ones.
    by_service_class_customer: Vec<Vec<u16>>,
    /// Incident volume weight per service (index = service).
    pub service_weights: Vec<u32>,
    /// Fault weights per service.
    pub fault_weights: Vec<Vec<u32>>,
    /// Request volume weight per item (index = item).
    pub item_weights: Vec<u32>,
}

impl Catalog {
    /// Indexes [`CIS`].
    pub(crate) fn new() -> Self {
        let n = CUSTOMERS.len();
        let mut by_service_class_customer = vec![Vec::new(); SERVICES.len() * CLASSES * n];
        for (i, ci) in CIS.iter().enumerate() {
            for c in 0..n {
                if ci.owner.is_none() || ci.owner == Some(c as u8) {
                    by_service_class_customer[Self::slot(ci.service, ci.class, c as u8)].push(i as u16);
                }
            }
        }
        Catalog {
            by_service_class_customer,
            service_weights: SERVICES.iter().map(|s| s.weight).collect(),
            fault_weights: SERVICES.iter().map(|s| s.faults.iter().map(|f| f.weight).collect()).collect(),
            item_weights: ITEMS.iter().map(|i| i.weight).collect(),
        }
    }

    fn slot(service: u8, class: Class, customer: u8) -> usize {
        (service as usize * CLASSES + class as usize) * CUSTOMERS.len() + customer as usize
    }

    /// CIs of a service and class that a customer's users can report on (never
    /// empty for a class a reportable fault names: tested).
    pub(crate) fn cis_for(&self, service: u8, class: Class, customer: u8) -> &[u16] {
        &self.by_service_class_customer[Self::slot(service, class, customer)]
    }
}
