// The casting board and talent search: a role's submissions, auditions, holds and bookings.
import { graphql } from '../gql';

export const SubmissionFields = graphql(`
  fragment SubmissionFields on Submission {
    id
    status
    note
    shortlistRank
    selfSubmitted
    submittedAt
    talent {
      id
      name
      union
    }
    auditions {
      id
      kind
      room
      startsAt
      endsAt
      status
    }
  }
`);

export const RoleBoardQuery = graphql(`
  query RoleBoard($id: ID!) {
    role(id: $id) {
      id
      name
      status
      quantity
      productionId
      production {
        id
        title
        timezone
      }
      workDates
      description
      submissionDeadline
      rate {
        amount
        currency
        unit
      }
      requirements {
        ageMin
        ageMax
        skills
        union
      }
      submissions {
        ...SubmissionFields
      }
      bookings {
        ...BookingFields
      }
    }
  }
`);

export const PublishRoleMutation = graphql(`
  mutation PublishRole($input: RoleInput!) {
    publishRole(input: $input) {
      role {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const CloseRoleMutation = graphql(`
  mutation CloseRole($input: RoleInput!) {
    closeRole(input: $input) {
      role {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const SubmitTalentMutation = graphql(`
  mutation SubmitTalent($input: SubmitTalentInput!) {
    submitTalent(input: $input) {
      submission {
        ...SubmissionFields
        role {
          id
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ShortlistMutation = graphql(`
  mutation ShortlistSubmission($input: ShortlistSubmissionInput!) {
    shortlistSubmission(input: $input) {
      submission {
        ...SubmissionFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const SelectSubmissionMutation = graphql(`
  mutation SelectSubmission($input: SubmissionInput!) {
    selectSubmission(input: $input) {
      submission {
        ...SubmissionFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeclineSubmissionMutation = graphql(`
  mutation DeclineSubmission($input: SubmissionInput!) {
    declineSubmission(input: $input) {
      submission {
        ...SubmissionFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateAuditionSessionMutation = graphql(`
  mutation CreateAuditionSession($input: CreateAuditionSessionInput!) {
    createAuditionSession(input: $input) {
      session {
        id
        kind
        date
        timezone
        start
        end
        slotMinutes
        rooms
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const InviteToAuditionMutation = graphql(`
  mutation InviteToAudition($input: InviteToAuditionInput!) {
    inviteToAudition(input: $input) {
      invitation {
        id
        kind
        room
        startsAt
        endsAt
        status
        submissionId
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const SearchTalentQuery = graphql(`
  query SearchTalent($text: String, $filter: TalentFilter, $first: Int, $after: String) {
    searchTalent(text: $text, filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          name
          union
          unionStatus
          age
          homeBase
          skills
          languages
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const UpdateProfileMutation = graphql(`
  mutation UpdateTalentProfile($input: UpdateTalentProfileInput!) {
    updateTalentProfile(input: $input) {
      talent {
        id
        pronouns
        homeBase
        unionStatus
        skills
        languages
        bio
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
