// The production lifecycle (scheduling): stage and its gate, the workbook's critical path, budget
// against committed and actual cost — the dashboard's front page in one request.
import { graphql } from '../gql';

export const LifecycleQuery = graphql(`
  query Lifecycle($productionId: ID!) {
    productionDashboard(productionId: $productionId) {
      productionId
      stage
      gate {
        to
        ready
        missing {
          field
          message
        }
      }
      criticalPath {
        id
        name
        owner
        stage
        durationDays
        dueDate
        done
        slack
      }
      nextDueTasks {
        id
        name
        dueDate
        done
      }
      workbookDurationDays
      budget {
        currency
        totals {
          budgeted {
            amount
            currency
          }
          committed {
            amount
            currency
          }
          actual {
            amount
            currency
          }
          forecast {
            amount
            currency
          }
          variance {
            amount
            currency
          }
        }
        lines {
          category
          over
          budgeted {
            amount
            currency
          }
          committed {
            amount
            currency
          }
          actual {
            amount
            currency
          }
          variance {
            amount
            currency
          }
        }
      }
    }
  }
`);

export const AdvanceStageMutation = graphql(`
  mutation AdvanceStage($input: AdvanceStageInput!) {
    advanceStage(input: $input) {
      production {
        id
        stage
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
