// Package store keeps responses, behind one Store interface: in an embedded
// SQLite file for one machine (sqlite.go, the default), or in a PostgreSQL
// database that several replicas of the service share (postgres.go). Both
// pass the same test suite (storetest) and share the rules that decide what a
// save means (change.go, limit.go); each does only its own SQL. The store
// says what happened with the error codes of forms, never in a participant's
// words: the app chooses those.
package store
