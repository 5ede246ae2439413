#pragma once
// How a GPU's NVLink domain is packaged (a GPU preset's form_factor, typed).
#include <cstdint>

namespace rs {

enum class Packaging : uint8_t {
  hgx_node,  // one server of up to 8 GPUs on an NVSwitch baseboard; several per rack
  nvl_rack,  // one rack-scale NVLink domain (NVL72): the rack is the domain
};

}  // namespace rs
