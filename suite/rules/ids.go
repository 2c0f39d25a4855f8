package rules

// ID names a rule. The constants below are the only way code names one, so a misspelt ID does
// not compile; the strings are a public interface (baselines, label filters, CI scripts name them).
type ID string

// The rule IDs, in catalog order.
const (
	AuthMissingKey      ID = "AUTH-MISSING-KEY"
	AuthInvalidKey      ID = "AUTH-INVALID-KEY"
	AuthRevokedKey      ID = "AUTH-REVOKED-KEY"
	AuthNoScope         ID = "AUTH-NO-SCOPE"
	ParamValid200       ID = "PARAM-VALID-200"
	ParamInvalid422     ID = "PARAM-INVALID-422"
	ParamLimitBounds    ID = "PARAM-LIMIT-BOUNDS"
	ParamDatePattern    ID = "PARAM-DATE-PATTERN"
	ParamEmptyMatch     ID = "PARAM-EMPTY-MATCH"
	ParamDefaultLimit   ID = "PARAM-DEFAULT-LIMIT"
	FilterHonoured      ID = "FILTER-HONOURED"
	FilterComplete      ID = "FILTER-COMPLETE"
	PageLimit           ID = "PAGE-LIMIT"
	PageTerminates      ID = "PAGE-TERMINATES"
	PageNoDuplicates    ID = "PAGE-NO-DUPLICATES"
	PageComplete        ID = "PAGE-COMPLETE"
	PageFiltersKept     ID = "PAGE-FILTERS-KEPT"
	PageForeignCursor   ID = "PAGE-FOREIGN-CURSOR"
	RateHeadersPresent  ID = "RATE-HEADERS-PRESENT"
	RateHeadersFormat   ID = "RATE-HEADERS-FORMAT"
	RateDecreasing      ID = "RATE-DECREASING"
	Rate429OnExhaustion ID = "RATE-429-ON-EXHAUSTION"
	StatusNo5XX         ID = "STATUS-NO-5XX"
	StatusDocumented    ID = "STATUS-DOCUMENTED"
	SchemaContentType   ID = "SCHEMA-CONTENT-TYPE"
	SchemaBody          ID = "SCHEMA-BODY"
	TransportAnswer     ID = "TRANSPORT-ANSWER"
)

// String returns the ID as users write it.
func (id ID) String() string { return string(id) }
