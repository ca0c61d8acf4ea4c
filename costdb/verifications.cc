// Verifications: bit-exactness checks per (layer identity, variant, generator version).
#include "costdb/costdb.h"
#include "costdb/database_impl.h"

namespace pietune::costdb {

namespace {

constexpr char kInsertVerification[] =
    "INSERT OR REPLACE INTO verifications (layer_identity, variant, generator_version, cases, seed, mismatches, "
    "max_abs_diff, detail, verified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, " PIETUNE_COSTDB_NOW ")";
constexpr char kFindVerification[] =
    "SELECT cases, seed, mismatches, max_abs_diff, detail FROM verifications "
    "WHERE layer_identity = ?1 AND variant = ?2 AND generator_version = ?3";

}  // namespace

void Database::put_verification(const VerificationRecord& verification) {
  impl_->require_writable("put_verification");
  StatementUse insert = impl_->connection.cached(kInsertVerification, "put_verification");
  insert->bind_text(1, verification.layer_identity)
      .bind_text(2, verification.variant)
      .bind_int(3, verification.generator_version)
      .bind_int(4, verification.cases)
      .bind_int(5, static_cast<std::int64_t>(verification.seed))  // SQLite integers are signed; the bits survive
      .bind_int(6, verification.mismatches)
      .bind_int(7, verification.max_abs_diff)
      .bind_text(8, verification.detail)
      .run();
}

std::optional<VerificationRecord> Database::find_verification(const std::string& layer_identity,
                                                              const std::string& variant,
                                                              int generator_version) const {
  StatementUse select = impl_->connection.cached(kFindVerification, "find_verification");
  select->bind_text(1, layer_identity).bind_text(2, variant).bind_int(3, generator_version);
  if (!select->step()) return std::nullopt;
  VerificationRecord v;
  v.layer_identity = layer_identity;
  v.variant = variant;
  v.generator_version = generator_version;
  v.cases = static_cast<int>(select->column_int(0));
  v.seed = static_cast<std::uint64_t>(select->column_int(1));
  v.mismatches = select->column_int(2);
  v.max_abs_diff = static_cast<int>(select->column_int(3));
  v.detail = select->column_text(4);
  return v;
}

}  // namespace pietune::costdb
