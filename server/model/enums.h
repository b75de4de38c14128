// Enumerations of the Rapport domain. Their numeric values match the public
// API (proto/rapport/v1) so that the API layer converts by a checked cast and
// the store can persist them as integers that never change meaning.
#ifndef RAPPORT_SERVER_MODEL_ENUMS_H_
#define RAPPORT_SERVER_MODEL_ENUMS_H_

namespace rapport::model {

// How senior a contact is.
enum class Seniority : int {
  kUnknown = 0,
  kCSuite = 1,
  kVp = 2,
  kDirector = 3,
  kManager = 4,
  kIndividualContributor = 5,
};
inline constexpr int kMaxSeniority = 5;

// The channel of an interaction.
enum class Channel : int {
  kUnspecified = 0,
  kEmail = 1,
  kLinkedinMessage = 2,
  kInmail = 3,
  kConnectionNote = 4,
  kPhone = 5,
  kEvent = 6,
  kOther = 7,
};
inline constexpr int kMaxChannel = 7;

// The seven categories of an effective network (Cross & Thomas).
enum class NetworkCategory : int {
  kUnspecified = 0,
  kInformation = 1,
  kCrossIndustryPeer = 2,
  kPower = 3,
  kFeedback = 4,
  kGeographicPeer = 5,
  kPersonalSupport = 6,
  kWellBeing = 7,
};
inline constexpr int kMaxNetworkCategory = 7;

// What happened in an activity event.
enum class EventType : int {
  kUnspecified = 0,
  kPostPublished = 1,
  kReactionReceived = 2,
  kCommentReceived = 3,
  kShareReceived = 4,
  kContentShared = 5,
  kCommentMade = 6,
  kGroupPost = 7,
  kGroupAnswer = 8,
  kConnectionRequestSent = 9,
  kConnectionAccepted = 10,
  kMessageSent = 11,
  kMessageReceived = 12,
  kFollowUpSent = 13,
  kProspectSearch = 14,
  kLeadSaved = 15,
  kProspectProfileViewed = 16,
  kRecommendationGiven = 17,
  kRecommendationReceived = 18,
  kContactMetAtEvent = 19,
  kMeetingBooked = 20,
};
inline constexpr int kMaxEventType = 20;

// The four pillars of the Social Selling Index.
enum class Pillar : int {
  kUnspecified = 0,
  kProfessionalBrand = 1,
  kFindRightPeople = 2,
  kEngageWithInsights = 3,
  kBuildRelationships = 4,
};

// True for the types that belong to a conversation (need a thread_id).
constexpr bool IsThreadEvent(EventType t) {
  return t == EventType::kMessageSent || t == EventType::kMessageReceived ||
         t == EventType::kFollowUpSent;
}

// True for the member writing to a contact in a thread.
constexpr bool IsOutboundMessage(EventType t) {
  return t == EventType::kMessageSent || t == EventType::kFollowUpSent;
}

// True for the types that involve a contact (need contact.contact_id).
constexpr bool IsContactEvent(EventType t) {
  switch (t) {
    case EventType::kConnectionRequestSent:
    case EventType::kConnectionAccepted:
    case EventType::kMessageSent:
    case EventType::kMessageReceived:
    case EventType::kFollowUpSent:
    case EventType::kLeadSaved:
    case EventType::kProspectProfileViewed:
    case EventType::kRecommendationGiven:
    case EventType::kRecommendationReceived:
    case EventType::kContactMetAtEvent:
    case EventType::kMeetingBooked:
      return true;
    default:
      return false;
  }
}

// True for the types whose event may stand for several occurrences.
constexpr bool IsCountedEvent(EventType t) {
  return t == EventType::kReactionReceived ||
         t == EventType::kCommentReceived || t == EventType::kShareReceived ||
         t == EventType::kProspectSearch;
}

// True for the types that need a channel.
constexpr bool NeedsChannel(EventType t) {
  return IsThreadEvent(t) || t == EventType::kConnectionRequestSent;
}

}  // namespace rapport::model

#endif  // RAPPORT_SERVER_MODEL_ENUMS_H_
