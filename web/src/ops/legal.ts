// Legal: contracts (send, countersign), the signing link, the compliance report.
import { graphql } from '../gql';

export const ContractFields = graphql(`
  fragment ContractFields on Contract {
    id
    status
    template
    templateVersion
    bookingId
    roleName
    pdfUrl
    signatures {
      party
      signerName
      signedAt
    }
  }
`);

export const ProductionLegalQuery = graphql(`
  query ProductionLegal($id: ID!) {
    production(id: $id) {
      id
      title
      bookings {
        id
        status
        talent {
          id
          name
        }
      }
      contracts {
        ...ContractFields
      }
    }
  }
`);

export const ComplianceQuery = graphql(`
  query Compliance($productionId: ID!) {
    complianceReport(productionId: $productionId) {
      productionId
      items {
        code
        severity
        message
        source
        date
      }
    }
  }
`);

export const SendContractMutation = graphql(`
  mutation SendContract($input: SendContractInput!) {
    sendContract(input: $input) {
      contract {
        ...ContractFields
      }
      signingUrl
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const SignContractMutation = graphql(`
  mutation SignContract($input: SignContractInput!) {
    signContract(input: $input) {
      contract {
        ...ContractFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const CountersignContractMutation = graphql(`
  mutation CountersignContract($input: CountersignContractInput!) {
    countersignContract(input: $input) {
      contract {
        ...ContractFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

// The talent portal's bookings with their contracts and the shoot days they are called on.
export const PortalQuery = graphql(`
  query Portal($talentId: ID!) {
    talent(id: $talentId) {
      id
      name
      union
      email
      pronouns
      homeBase
      unionStatus
      skills
      languages
      bio
    }
    productions(first: 50) {
      edges {
        node {
          id
          title
          client
          timezone
          bookings {
            id
            status
            workDates
            talent {
              id
            }
            role {
              id
              name
              rate {
                amount
                currency
                unit
              }
            }
            contract {
              id
              status
              template
              pdfUrl
            }
          }
          shootDays {
            ...ShootDayFields
          }
        }
      }
    }
  }
`);

export const ContractQuery = graphql(`
  query Contract($id: ID!) {
    contract(id: $id) {
      ...ContractFields
    }
  }
`);
