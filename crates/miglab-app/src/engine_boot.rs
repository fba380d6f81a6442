//! Boots the engine once per page and shares it with every screen through a Yew context.
