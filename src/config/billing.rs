//! Billing settings (DESIGN §6): where the price list is, how billable time is rounded,
//! VAT, the customer organisations billed, and how the shared customer's tickets are
//! allocated among them. The defaults are the sample organisation's.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::SettingError;

/// The `[billing]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BillingConfig {
    /// Price list, CSV or workbook (`type,name,unit_price,valid_from,valid_to`); none = nothing
    /// is priced.
    pub price_list: Option<PathBuf>,
    /// Billable work is rounded up to this many minutes per ticket (e.g. started 30 minutes).
    pub rounding_minutes: u32,
    /// VAT rate shown separately, e.g. 0.25.
    pub vat_rate: f64,
    /// Currency of the price list.
    pub currency: String,
    /// The customer organisations billed, with their allocation weight (e.g. user counts)
    /// for the shared customer's tickets.
    pub customers: BTreeMap<String, u64>,
    /// The customer name of tickets shared by all customers (allocated by weight).
    pub shared_customer: Option<String>,
}

impl Default for BillingConfig {
    fn default() -> Self {
        BillingConfig {
            price_list: None,
            rounding_minutes: 30,
            vat_rate: 0.25,
            currency: "SEK".into(),
            // Employees per municipality: the allocation key of the sample organisation.
            customers: BTreeMap::from([
                ("Kävlinge".into(), 2_400),
                ("Staffanstorp".into(), 1_900),
                ("Burlöv".into(), 1_500),
            ]),
            shared_customer: Some("Gemensam".into()),
        }
    }
}

impl BillingConfig {
    /// The VAT rate exactly, in ten-thousandths (0.25 → 2 500), taken from the decimal text
    /// of the configured number (0.12 is 0.1200, not the float nearest it); None when it
    /// has more than 4 decimals. VAT is computed in DECIMAL (DESIGN §5a.13).
    pub fn vat_rate_e4(&self) -> Option<i128> {
        super::exact_decimal(self.vat_rate, 4)
    }

    /// Checks ranges and names.
    pub fn validate(&self) -> Result<(), SettingError> {
        if self.rounding_minutes == 0 {
            return Err(SettingError::value("[billing] rounding_minutes", 0, "must be at least 1"));
        }
        if !(0.0..1.0).contains(&self.vat_rate) {
            return Err(SettingError::value("[billing] vat_rate", self.vat_rate, "must be a fraction such as 0.25"));
        }
        if self.vat_rate_e4().is_none() {
            return Err(SettingError::value("[billing] vat_rate", self.vat_rate, "has more than 4 decimals"));
        }
        if self.customers.is_empty() {
            return Err(SettingError::key("[billing] customers", "needs at least one customer organisation"));
        }
        if let Some(shared) = self.shared_customer.as_ref().filter(|s| self.customers.contains_key(*s)) {
            let rule = "the shared customer cannot also be a billed customer";
            return Err(SettingError::value("[billing] shared_customer", format!("'{shared}'"), rule));
        }
        if self.shared_customer.is_some() && self.customers.values().all(|w| *w == 0) {
            return Err(SettingError::key("[billing] customers", "allocation weights must not all be 0"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_rate_is_read_exactly() {
        let rate = |v: f64| BillingConfig { vat_rate: v, ..BillingConfig::default() };
        assert_eq!(rate(0.25).vat_rate_e4(), Some(2_500));
        assert_eq!(rate(0.12).vat_rate_e4(), Some(1_200));
        assert_eq!(rate(0.0).vat_rate_e4(), Some(0));
        assert_eq!(rate(0.06125).vat_rate_e4(), None);
        assert!(rate(0.06125).validate().unwrap_err().to_string().contains("more than 4 decimals"));
    }
}
