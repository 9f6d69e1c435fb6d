// Schedule: locations, scenes, the stripboard proposal and shoot days with their call sheets.
import { graphql } from '../gql';

export const ShootDayFields = graphql(`
  fragment ShootDayFields on ShootDay {
    id
    productionId
    date
    generalCall
    wrapTime
    notes
    location {
      id
      name
    }
    scenes {
      id
      number
    }
    callSheet {
      id
      published
      pdfUrl
      conflicts {
        kind
        date
        message
        talent {
          id
        }
      }
      cast {
        talent {
          id
          name
        }
        roleIds
        callTime
        confirmedAt
      }
    }
  }
`);

export const ProductionScheduleQuery = graphql(`
  query ProductionSchedule($id: ID!) {
    production(id: $id) {
      id
      title
      timezone
      roles {
        id
        name
      }
      locations {
        id
        name
        address
        keepTogether
      }
      scenes {
        id
        number
        description
        duration
        roleIds
        fixedDate
        location {
          id
          name
        }
      }
      shootDays {
        ...ShootDayFields
      }
    }
  }
`);

export const CreateLocationMutation = graphql(`
  mutation CreateLocation($input: CreateLocationInput!) {
    createLocation(input: $input) {
      location {
        id
        productionId
        name
        address
        keepTogether
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateSceneMutation = graphql(`
  mutation CreateScene($input: CreateSceneInput!) {
    createScene(input: $input) {
      scene {
        id
        productionId
        number
        description
        duration
        roleIds
        fixedDate
        location {
          id
          name
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ProposeStripboardMutation = graphql(`
  mutation ProposeStripboard($input: ProposeStripboardInput!) {
    proposeStripboard(input: $input) {
      proposal {
        sceneIds
        cost
        optimal
        lowerBound
        currency
        startDate
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ApplyStripboardMutation = graphql(`
  mutation ApplyStripboard($input: ApplyStripboardInput!) {
    applyStripboard(input: $input) {
      shootDays {
        ...ShootDayFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const PublishCallSheetMutation = graphql(`
  mutation PublishCallSheet($input: PublishCallSheetInput!) {
    publishCallSheet(input: $input) {
      shootDay {
        ...ShootDayFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ConfirmCallSheetMutation = graphql(`
  mutation ConfirmCallSheet($input: ConfirmCallSheetInput!) {
    confirmCallSheet(input: $input) {
      shootDay {
        ...ShootDayFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const SetCallTimesMutation = graphql(`
  mutation SetCallTimes($input: SetCallTimesInput!) {
    setCallTimes(input: $input) {
      shootDay {
        ...ShootDayFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
