//! The customer's monthly service report settings (`[customer_report]`): the smallest
//! count of a requester-level fact the report shows (smaller counts are suppressed).

use serde::{Deserialize, Serialize};

use super::SettingError;

/// The `[customer_report]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct CustomerReportConfig {
    /// Requester-level counts (distinct requesters) from 1 to `min_count - 1` are shown as
    /// "fewer than `min_count`" (k-anonymity of the customer's users); default 3.
    pub min_count: u32,
}

impl Default for CustomerReportConfig {
    fn default() -> Self {
        CustomerReportConfig { min_count: 3 }
    }
}

impl CustomerReportConfig {
    /// Checks the threshold.
    pub fn validate(&self) -> Result<(), SettingError> {
        if self.min_count == 0 {
            return Err(SettingError::value("[customer_report] min_count", 0, "must be at least 1"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_defaults_to_three_and_is_at_least_one() {
        assert_eq!(CustomerReportConfig::default().min_count, 3);
        let zero = CustomerReportConfig { min_count: 0 };
        assert!(zero.validate().unwrap_err().to_string().contains("at least 1"));
    }
}
