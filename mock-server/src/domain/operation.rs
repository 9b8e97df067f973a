//! The operations of the Ordering API the mock serves, by the `operationId` the OpenAPI document
//! gives them: what scenarios name, the journal records and the log shows.

/// One operation of the Ordering API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// `POST /api/v1/customerAccountLookup`.
    CustomerAccountLookup,
    /// `POST /api/v1/opportunity-quote`.
    CreateOpportunityQuote,
    /// `POST /api/v1/site`.
    AddSite,
    /// `POST /api/v1/config/aiab`.
    AddConfigAiab,
    /// `POST /api/v1/creditCheck/aiab`.
    CreditCheckAiab,
    /// `POST /api/v1/contract/aiab`.
    InitiateContractAiab,
    /// `GET /api/v1/contract?quoteId=`.
    GetContract,
    /// `POST /api/v1/order`.
    CreateOrder,
    /// `PUT /api/v1/order-enrichment/installation`.
    EnrichInstallation,
    /// `POST /api/v1/order-enrichment/shipping/aiab`.
    EnrichShippingAiab,
    /// `POST /api/v1/order-enrichment/billing`.
    EnrichBilling,
    /// `GET /api/v1/orders`.
    GetOrderStatus,
}

impl Operation {
    /// Every operation, in the order of the flow.
    pub const ALL: [Operation; 12] = [
        Operation::CustomerAccountLookup,
        Operation::CreateOpportunityQuote,
        Operation::AddSite,
        // For AIAB, the configuration comes after the credit check (documented).
        Operation::CreditCheckAiab,
        Operation::AddConfigAiab,
        Operation::InitiateContractAiab,
        Operation::GetContract,
        Operation::CreateOrder,
        Operation::EnrichInstallation,
        Operation::EnrichShippingAiab,
        Operation::EnrichBilling,
        Operation::GetOrderStatus,
    ];

    /// The `operationId`.
    pub fn id(self) -> &'static str {
        match self {
            Operation::CustomerAccountLookup => "customerAccountLookup",
            Operation::CreateOpportunityQuote => "createOpportunityQuote",
            Operation::AddSite => "addSite",
            Operation::AddConfigAiab => "addConfigAiab",
            Operation::CreditCheckAiab => "creditCheckAiab",
            Operation::InitiateContractAiab => "initiateContractAiab",
            Operation::GetContract => "getContract",
            Operation::CreateOrder => "createOrder",
            Operation::EnrichInstallation => "enrichInstallation",
            Operation::EnrichShippingAiab => "enrichShippingAiab",
            Operation::EnrichBilling => "enrichBilling",
            Operation::GetOrderStatus => "getOrderStatus",
        }
    }

    /// The operation with this `operationId`.
    pub fn from_id(id: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.id() == id)
    }

    /// The path below a base path (`/api/v1`).
    pub fn path(self) -> &'static str {
        match self {
            Operation::CustomerAccountLookup => "/customerAccountLookup",
            Operation::CreateOpportunityQuote => "/opportunity-quote",
            Operation::AddSite => "/site",
            Operation::AddConfigAiab => "/config/aiab",
            Operation::CreditCheckAiab => "/creditCheck/aiab",
            Operation::InitiateContractAiab => "/contract/aiab",
            Operation::GetContract => "/contract",
            Operation::CreateOrder => "/order",
            Operation::EnrichInstallation => "/order-enrichment/installation",
            Operation::EnrichShippingAiab => "/order-enrichment/shipping/aiab",
            Operation::EnrichBilling => "/order-enrichment/billing",
            Operation::GetOrderStatus => "/orders",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            Operation::GetContract | Operation::GetOrderStatus => "GET",
            Operation::EnrichInstallation => "PUT",
            _ => "POST",
        }
    }

    /// Whether the request carries a JSON body (the others take a query).
    pub fn has_body(self) -> bool {
        self.method() != "GET"
    }

    /// Every `operationId`, comma-separated, for messages.
    pub fn ids() -> String {
        Operation::ALL.map(Operation::id).join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_paths_are_distinct_per_method() {
        let mut routes = std::collections::BTreeSet::new();
        for op in Operation::ALL {
            assert_eq!(Operation::from_id(op.id()), Some(op));
            assert!(routes.insert((op.method(), op.path())), "{op:?}");
        }
        assert_eq!(Operation::from_id("nope"), None);
    }
}
