#include "projections/read_models.h"

#include <stdexcept>

namespace csp::projections {

void ReadModels::apply(const domain::Event& event, std::int64_t position) {
  if (position <= checkpoint_) throw std::logic_error("events must be folded in position order");
  fold(*this, event, position);
  checkpoint_ = position;
}

}  // namespace csp::projections
