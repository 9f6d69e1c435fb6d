// Every GraphQL operation of the app. GraphQL Code Generator (codegen.ts) checks them against the
// composed schema and types their results; `graphql()` returns a TypedDocumentNode.
import { graphql } from './gql';

export const UserErrorFields = graphql(`
  fragment UserErrorFields on UserError {
    field
    message
    code
  }
`);

export const BookingFields = graphql(`
  fragment BookingFields on Booking {
    id
    status
    workDates
    isMinor
    rank
    expiresAt
    role {
      id
    }
    talent {
      id
      name
      union
    }
    engagement {
      id
      status
      agreement
      estimatedCost {
        total {
          amount
          currency
        }
        warnings
      }
    }
    contract {
      id
      status
      template
    }
  }
`);

export const ProductionsQuery = graphql(`
  query Productions($first: Int, $after: String) {
    productions(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          title
          client
          kind
          stage
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CreateProductionMutation = graphql(`
  mutation CreateProduction($input: CreateProductionInput!) {
    createProduction(input: $input) {
      production {
        id
        title
        client
        kind
        stage
        createdAt
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ProductionDashboardQuery = graphql(`
  query ProductionDashboard($id: ID!) {
    production(id: $id) {
      id
      title
      client
      kind
      stage
      timezone
      shootDays {
        id
        date
        generalCall
      }
      roles {
        id
        name
        workDates
        rate {
          amount
          currency
          unit
        }
        bookings {
          ...BookingFields
        }
      }
    }
  }
`);

export const BookingQuery = graphql(`
  query Booking($id: ID!) {
    booking(id: $id) {
      ...BookingFields
    }
  }
`);

export const BookingEventsSubscription = graphql(`
  subscription BookingEvents($productionId: ID!) {
    bookingEvents(productionId: $productionId) {
      kind
      booking {
        ...BookingFields
      }
    }
  }
`);

export const CreateRoleMutation = graphql(`
  mutation CreateRole($input: CreateRoleInput!) {
    createRole(input: $input) {
      role {
        id
        name
        workDates
        productionId
        rate {
          amount
          currency
          unit
        }
        bookings {
          ...BookingFields
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const RegisterTalentMutation = graphql(`
  mutation RegisterTalent($input: RegisterTalentInput!) {
    registerTalent(input: $input) {
      talent {
        id
        name
        union
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const HoldTalentMutation = graphql(`
  mutation HoldTalent($input: HoldTalentInput!) {
    holdTalent(input: $input) {
      booking {
        ...BookingFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ConfirmBookingMutation = graphql(`
  mutation ConfirmBooking($input: ConfirmBookingInput!) {
    confirmBooking(input: $input) {
      booking {
        ...BookingFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ReleaseBookingMutation = graphql(`
  mutation ReleaseBooking($input: ReleaseBookingInput!) {
    releaseBooking(input: $input) {
      booking {
        ...BookingFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const RecordWorkPermitMutation = graphql(`
  mutation RecordWorkPermit($input: RecordWorkPermitInput!) {
    recordWorkPermit(input: $input) {
      workPermit {
        id
        talentId
        number
        expiresOn
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
