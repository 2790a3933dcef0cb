//! The catalogued configuration items (CIs) of the sample organisation: network
//! gear per municipality and site, servers, business systems and shared
//! platforms, and a few named printers. End-user devices (computers, printers,
//! phones, Chromebooks) are not listed here: they are numbered per customer
//! (`catalog::DEVICES`).
//!
//! Site codes are ASCII because CI names end up in host names and scripts.

/// What kind of thing a CI is; decides which faults fit it and whether it is monitored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Switch,
    Wlan,
    Firewall,
    Vpn,
    Server,
    /// A business system (one installation or tenant).
    System,
    /// A shared platform service (mail, directory, client image, switchboard).
    Platform,
    /// A named (multi-function) printer; ordinary printers are devices.
    Printer,
}

impl Class {
    /// Network gear and servers are watched by the monitoring tool.
    pub(crate) fn monitored(self) -> bool {
        matches!(self, Class::Switch | Class::Wlan | Class::Firewall | Class::Vpn | Class::Server)
    }
}

/// A catalogued CI.
pub(crate) struct Ci {
    /// Name as written in `tickets.csv`.
    pub name: &'static str,
    /// Service index (`catalog::SERVICES`).
    pub service: u8,
    /// Owning customer; `None` for a shared CI that every customer's users touch.
    pub owner: Option<u8>,
    pub class: Class,
}

const fn ci(name: &'static str, service: u8, owner: Option<u8>, class: Class) -> Ci {
    Ci { name, service, owner, class }
}

// Service indices (catalog::SERVICES order) and owners, for the table below.
const MAIL: u8 = 0;
const FINANCE: u8 = 1;
const NET: u8 = 2;
const CLIENT: u8 = 3;
const SCHOOL: u8 = 4;
const ACCESS: u8 = 5;
const PRINT: u8 = 6;
const CASE: u8 = 7;
const PHONE: u8 = 8;
const KAV: Option<u8> = Some(0);
const STP: Option<u8> = Some(1);
const BUR: Option<u8> = Some(2);
const GEM: Option<u8> = Some(3);
const ALL: Option<u8> = None;

use Class::*;

/// The catalogued CIs: tens of network devices and servers, a few business systems.
#[rustfmt::skip]
pub(crate) const CIS: &[Ci] = &[
    // Network: a core switch and access switches per site, wireless per area, shared edge.
    ci("SW-KAV-CORE", NET, KAV, Switch), ci("SW-KAV-KOMMUNHUS-01", NET, KAV, Switch),
    ci("SW-KAV-KOMMUNHUS-02", NET, KAV, Switch), ci("SW-KAV-LODDESKOLAN-01", NET, KAV, Switch),
    ci("SW-KAV-FURULUND-01", NET, KAV, Switch), ci("SW-KAV-KORSBACKA-01", NET, KAV, Switch),
    ci("SW-KAV-HOFTERUP-01", NET, KAV, Switch),
    ci("SW-STP-CORE", NET, STP, Switch), ci("SW-STP-KOMMUNHUS-01", NET, STP, Switch),
    ci("SW-STP-HAGALID-01", NET, STP, Switch), ci("SW-STP-TOTTARP-01", NET, STP, Switch),
    ci("SW-STP-UPPAKRA-01", NET, STP, Switch), ci("SW-STP-NYHEM-01", NET, STP, Switch),
    ci("SW-BUR-CORE", NET, BUR, Switch), ci("SW-BUR-KOMMUNHUS-01", NET, BUR, Switch),
    ci("SW-BUR-DALSLUND-01", NET, BUR, Switch), ci("SW-BUR-TAGARP-01", NET, BUR, Switch),
    ci("SW-BUR-SVANEBACK-01", NET, BUR, Switch), ci("SW-BUR-KRONETORP-01", NET, BUR, Switch),
    ci("SW-GEM-DC-01", NET, ALL, Switch), ci("SW-GEM-DC-02", NET, ALL, Switch),
    ci("WLAN-KAV-SKOLA", NET, KAV, Wlan), ci("WLAN-KAV-KOMMUNHUS", NET, KAV, Wlan),
    ci("WLAN-KAV-OMSORG", NET, KAV, Wlan),
    ci("WLAN-STP-SKOLA", NET, STP, Wlan), ci("WLAN-STP-KOMMUNHUS", NET, STP, Wlan),
    ci("WLAN-STP-OMSORG", NET, STP, Wlan),
    ci("WLAN-BUR-SKOLA", NET, BUR, Wlan), ci("WLAN-BUR-KOMMUNHUS", NET, BUR, Wlan),
    ci("WLAN-BUR-OMSORG", NET, BUR, Wlan), ci("WLAN-GEM-GAST", NET, ALL, Wlan),
    ci("FW-GEM-01", NET, ALL, Firewall), ci("FW-GEM-02", NET, ALL, Firewall), ci("VPN-GEM-01", NET, ALL, Vpn),
    // Servers.
    ci("SRV-MAIL-01", MAIL, ALL, Server),
    ci("SRV-EKO-01", FINANCE, ALL, Server), ci("SRV-EKO-02", FINANCE, ALL, Server),
    ci("SRV-AD-01", ACCESS, ALL, Server), ci("SRV-AD-02", ACCESS, ALL, Server),
    ci("SRV-FIL-01", ACCESS, ALL, Server), ci("SRV-FIL-02", ACCESS, ALL, Server),
    ci("SRV-PRN-01", PRINT, ALL, Server), ci("SRV-PRN-02", PRINT, ALL, Server),
    ci("SRV-VS-01", CASE, ALL, Server), ci("SRV-VS-02", CASE, ALL, Server), ci("SRV-SQL-01", CASE, ALL, Server),
    ci("SRV-SKOLA-01", SCHOOL, ALL, Server), ci("SRV-SCCM-01", CLIENT, ALL, Server),
    ci("SRV-TEL-01", PHONE, ALL, Server),
    // Business systems: shared installations and per-municipality ones.
    ci("Raindance", FINANCE, ALL, System), ci("Visma Proceedo", FINANCE, ALL, System),
    ci("Procapita KAV", CASE, KAV, System), ci("Procapita BUR", CASE, BUR, System),
    ci("Lifecare STP", CASE, STP, System), ci("Platina KAV", CASE, KAV, System),
    ci("Platina STP", CASE, STP, System), ci("Platina BUR", CASE, BUR, System),
    ci("Visma Personec", CASE, ALL, System),
    ci("Unikum", SCHOOL, ALL, System), ci("Skolon", SCHOOL, ALL, System),
    // Shared platforms; the client image is managed per municipality.
    ci("Exchange Online", MAIL, ALL, Platform),
    ci("Active Directory", ACCESS, ALL, Platform), ci("Entra ID", ACCESS, ALL, Platform),
    ci("Windows 11 KAV", CLIENT, KAV, Platform), ci("Windows 11 STP", CLIENT, STP, Platform),
    ci("Windows 11 BUR", CLIENT, BUR, Platform), ci("Windows 11 GEM", CLIENT, GEM, Platform),
    ci("Intune", CLIENT, ALL, Platform),
    ci("Telia Touchpoint", PHONE, ALL, Platform),
    // Named multi-function printers (part of the PRN numbering).
    ci("PRN-KAV-003", PRINT, KAV, Printer), ci("PRN-KAV-011", PRINT, KAV, Printer),
    ci("PRN-STP-004", PRINT, STP, Printer), ci("PRN-STP-012", PRINT, STP, Printer),
    ci("PRN-BUR-002", PRINT, BUR, Printer), ci("PRN-BUR-007", PRINT, BUR, Printer),
];
