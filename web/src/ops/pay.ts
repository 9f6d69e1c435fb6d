// Pay: timecards, pay runs and stubs (accounting, producers), and the talent's own pay.
import { graphql } from '../gql';

export const TimecardFields = graphql(`
  fragment TimecardFields on Timecard {
    id
    engagementId
    date
    call
    wrap
    notes
    status
    payRunId
    warnings
    gross {
      amount
      currency
    }
  }
`);

export const StubFields = graphql(`
  fragment StubFields on PayStub {
    id
    talentId
    payeeName
    taxIdLast4
    employer {
      name
    }
    periodStart
    periodEnd
    payDate
    hoursWorked
    gross {
      amount
      currency
    }
    net {
      amount
      currency
    }
    deductions {
      code
      label
      amount {
        amount
        currency
      }
    }
    warnings
    pdfUrl
  }
`);

export const PayRunFields = graphql(`
  fragment PayRunFields on PayRun {
    id
    productionId
    periodStart
    periodEnd
    payDate
    status
    warnings
    achFileUrl
    stubs {
      ...StubFields
    }
  }
`);

export const ProductionPayQuery = graphql(`
  query ProductionPay($id: ID!) {
    production(id: $id) {
      id
      title
      timezone
      bookings {
        id
        status
        workDates
        talent {
          id
          name
        }
        role {
          id
          name
        }
        engagement {
          id
          status
          agreement
          workDates
          rate {
            amount
            currency
          }
          rateUnit
          timecards {
            ...TimecardFields
          }
        }
      }
    }
  }
`);

export const PayRunQuery = graphql(`
  query PayRun($id: ID!) {
    payRun(id: $id) {
      ...PayRunFields
    }
  }
`);

export const SubmitTimecardMutation = graphql(`
  mutation SubmitTimecard($input: SubmitTimecardInput!) {
    submitTimecard(input: $input) {
      timecard {
        ...TimecardFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ApproveTimecardMutation = graphql(`
  mutation ApproveTimecard($input: ApproveTimecardInput!) {
    approveTimecard(input: $input) {
      timecard {
        ...TimecardFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreatePayRunMutation = graphql(`
  mutation CreatePayRun($input: CreatePayRunInput!) {
    createPayRun(input: $input) {
      payRun {
        ...PayRunFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ApprovePayRunMutation = graphql(`
  mutation ApprovePayRun($input: PayRunInput!) {
    approvePayRun(input: $input) {
      payRun {
        ...PayRunFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const IssuePayRunMutation = graphql(`
  mutation IssuePayRun($input: PayRunInput!) {
    issuePayRun(input: $input) {
      payRun {
        ...PayRunFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const MyPayQuery = graphql(`
  query MyPay {
    myPay {
      stubs {
        ...StubFields
      }
    }
  }
`);
