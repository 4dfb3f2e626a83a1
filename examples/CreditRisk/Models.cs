using Axon;

namespace CreditRiskExample;

/// <summary>
/// Default risk from a loan application: five categorical columns as integer ids, each through its own
/// embedding, joined with the 17 standardised numeric columns. One logit out: P(bad) = σ(z).
/// The input row is the members end to end: sub_grade, addr_state, emp_length, term,
/// verification_status ids, then the numeric values (<see cref="LendingClub.Pipeline"/> writes it).
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 128)]
public partial class CreditRiskNet
{
    // Vocabularies: the categories seen in training plus id 0 for one never seen.
    [Input(1, Ids = true)] public partial Layer SubGrade { get; }          // A1 … G5: 35
    [Input(1, Ids = true)] public partial Layer State { get; }             // 50
    [Input(1, Ids = true)] public partial Layer EmploymentLength { get; }  // < 1 year … ≥ 10 years, unknown: 12
    [Input(1, Ids = true)] public partial Layer Term { get; }              // 36 or 60 months
    [Input(1, Ids = true)] public partial Layer Verification { get; }      // 3
    // Standardised and clipped to ±5 by the pipeline: attacks stay in that range (ids are never perturbed).
    [Input(LendingClub.NumericCount, Min = -5f, Max = 5f)] public partial Layer Numeric { get; }

    [Embedding(LendingClub.SubGradeIds, 4, From = nameof(SubGrade))] public partial Layer SubGradeVec { get; }
    [Embedding(LendingClub.StateIds, 3, From = nameof(State))] public partial Layer StateVec { get; }
    [Embedding(LendingClub.EmploymentLengthIds, 2, From = nameof(EmploymentLength))] public partial Layer EmploymentLengthVec { get; }
    [Embedding(LendingClub.TermIds, 1, From = nameof(Term))] public partial Layer TermVec { get; }
    [Embedding(LendingClub.VerificationIds, 2, From = nameof(Verification))] public partial Layer VerificationVec { get; }

    [Concat(nameof(SubGradeVec), nameof(StateVec), nameof(EmploymentLengthVec), nameof(TermVec), nameof(VerificationVec), nameof(Numeric))]
    public partial Layer Joined { get; }                                    // [4 + 3 + 2 + 1 + 2 + 17] = [29]
    [Dense(32, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(16, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(1)] public partial Layer Logit { get; }
}

/// <summary>The same layers on the numeric columns alone: what the embeddings add is the difference.</summary>
[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 128)]
[Input(LendingClub.NumericCount)]
public partial class NumericRiskNet
{
    [Dense(32, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(16, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(1)] public partial Layer Logit { get; }
}
