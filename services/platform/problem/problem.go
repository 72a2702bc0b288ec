// Package problem is how a domain says what went wrong without knowing about gRPC: invalid input
// field by field, a broken rule with a reason code, something not found, something already there.
// Package grpcx maps each kind to its precise status code and details. Messages name fields, rules
// and ids, never personal data: they travel back to callers and into logs.
package problem

import (
	"errors"
	"strings"
)

// Violation is one field that breaks a rule; Field is the request's field path, e.g. "details.name".
type Violation struct {
	Field  string
	Reason string
}

// InvalidError is input that breaks rules, field by field (gRPC InvalidArgument).
type InvalidError struct {
	Violations []Violation
}

// Invalid reports one invalid field.
func Invalid(field, reason string) *InvalidError {
	return &InvalidError{Violations: []Violation{{Field: field, Reason: reason}}}
}

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Reason
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// RuleError is a domain rule the request breaks in the current state (gRPC FailedPrecondition).
// Reason is an UPPER_SNAKE code clients can act on, e.g. "PRE_VISITS_INCOMPLETE".
type RuleError struct {
	Reason  string
	Message string
}

// Rule reports a broken rule.
func Rule(reason, message string) *RuleError { return &RuleError{Reason: reason, Message: message} }

func (e *RuleError) Error() string { return e.Message }

// NotFoundError is a missing resource (gRPC NotFound).
type NotFoundError struct {
	What string
}

// NotFound reports a missing resource, e.g. NotFound("centre").
func NotFound(what string) *NotFoundError { return &NotFoundError{What: what} }

func (e *NotFoundError) Error() string { return e.What + " not found" }

// ConflictError is a resource that already exists (gRPC AlreadyExists). Reason is an UPPER_SNAKE code.
type ConflictError struct {
	Reason  string
	Message string
}

// Conflict reports that what the request would create already exists.
func Conflict(reason, message string) *ConflictError {
	return &ConflictError{Reason: reason, Message: message}
}

func (e *ConflictError) Error() string { return e.Message }

// Is lets errors.Is match any error of the same kind and reason, so domains can declare sentinels:
// var ErrDuplicateCentre = problem.Conflict("DUPLICATE_CENTRE", "...").
func (e *ConflictError) Is(target error) bool {
	var t *ConflictError
	return errors.As(target, &t) && t.Reason == e.Reason
}

// Is matches rule errors of the same reason.
func (e *RuleError) Is(target error) bool {
	var t *RuleError
	return errors.As(target, &t) && t.Reason == e.Reason
}

// Is matches not-found errors of the same resource.
func (e *NotFoundError) Is(target error) bool {
	var t *NotFoundError
	return errors.As(target, &t) && t.What == e.What
}
